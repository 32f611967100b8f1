package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/storyline/storyline/internal/testbin"
)

// built is the storyline binary, compiled on first use (the -short tests
// never need it) and removed by TestMain.
var built struct {
	once    sync.Once
	path    string
	cleanup func()
	err     error
}

func storylineBinary() (string, error) {
	built.once.Do(func() { built.path, built.cleanup, built.err = testbin.Build(".") })
	return built.path, built.err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.cleanup != nil {
		built.cleanup()
	}
	os.Exit(code)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start starts cmd and returns the channel its exit arrives on; the
// test's end kills it if it still runs.
func start(t *testing.T, cmd *exec.Cmd) <-chan error {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var stopped atomic.Bool
	go func() {
		err := cmd.Wait()
		stopped.Store(true) // before the send: a test that took the exit must not be waited for again
		exited <- err
	}()
	t.Cleanup(func() {
		if !stopped.Load() {
			cmd.Process.Kill()
			<-exited
		}
	})
	return exited
}

// waitFor polls cond until it holds; the deadline only guards against a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type notifications struct {
	mu   sync.Mutex
	msgs []string
}

func (n *notifications) has(s string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, m := range n.msgs {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func (n *notifications) count(s string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for _, m := range n.msgs {
		if strings.Contains(m, s) {
			c++
		}
	}
	return c
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServiceLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped in -short mode")
	}
	bin, err := storylineBinary()
	if err != nil {
		t.Fatal(err)
	}
	var hits [3]atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Path, "/feed%d", &i)
		hits[i].Add(1)
		fmt.Fprintf(w, `<rss version="2.0"><channel><title>F%d</title><item><title>Story %d</title><link>https://f.example/%d</link></item></channel></rss>`, i, i, i)
	}))
	defer srv.Close()

	dir := t.TempDir()
	statusAddr := freeAddr(t)
	cfgPath := filepath.Join(dir, "storyline.yaml")
	writeCfg := func(feeds ...int) {
		var b strings.Builder
		fmt.Fprintf(&b, "storage: {path: %s}\nstatus: {listen: %q}\nfeeds:\n", filepath.Join(dir, "s.db"), statusAddr)
		for _, i := range feeds {
			fmt.Fprintf(&b, "  - {name: feed%d, url: \"%s/feed%d\", schedule: \"@every 1h\"}\n", i, srv.URL, i)
		}
		if err := os.WriteFile(cfgPath, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeCfg(1)

	sock := filepath.Join(dir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	var notes notifications
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			notes.mu.Lock()
			notes.msgs = append(notes.msgs, string(buf[:n]))
			notes.mu.Unlock()
		}
	}()
	defer func() { conn.Close(); readers.Wait() }()

	var stderr syncBuffer
	cmd := exec.Command(bin, "--config", cfgPath, "run")
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=200000")
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	exited := start(t, cmd)

	waitFor(t, "READY=1", func() bool { return notes.has("READY=1") })
	waitFor(t, "the first feed polled at start", func() bool { return hits[1].Load() == 1 })
	waitFor(t, "a watchdog ping", func() bool { return notes.has("WATCHDOG=1") })

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + statusAddr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitFor(t, "a successful poll on /healthz", func() bool {
		_, body := get("/healthz")
		return strings.Contains(body, "last_successful_poll_age_seconds")
	})
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("/healthz %d %s", code, body)
	}
	code, metrics := get("/metrics")
	for _, want := range []string{`storyline_fetches_total{result="ok"} 1`, `storyline_fetch_http_status_total{code="200"} 1`,
		"storyline_fetch_duration_seconds_bucket", `storyline_stories_total{kind="new"} 1`, "storyline_feeds_in_error 0",
		"storyline_fetch_bytes_total", "storyline_outbox_depth 0"} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// Reload with a new feed: it is polled at once.
	writeCfg(1, 2)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the added feed polled after SIGHUP", func() bool { return hits[2].Load() == 1 })
	waitFor(t, "RELOADING=1 then READY=1", func() bool { return notes.has("RELOADING=1") && notes.count("READY=1") >= 2 })

	// An invalid config is rejected and the old one kept.
	os.WriteFile(cfgPath, []byte("feeds:\n  - {name: x, url: \"not a url\", shedule: bad}\n"), 0o600)
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the rejected reload logged", func() bool { return strings.Contains(stderr.String(), "reload rejected") })
	if !strings.Contains(stderr.String(), cfgPath+":2:") {
		t.Errorf("rejected reload does not name file:line:\n%s", stderr.String())
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz after rejected reload: %d", code)
	}

	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no exit within 30s of SIGTERM\n%s", stderr.String())
	}
	if !notes.has("STOPPING=1") {
		t.Error("no STOPPING=1 notification")
	}
	if hits[1].Load() != 1 {
		t.Errorf("feed1 polled %d times; a reload must not re-poll unchanged feeds", hits[1].Load())
	}
}

// TestUnitVerifies runs systemd-analyze verify on the shipped unit, with
// ExecStart pointing at a freshly built binary (.ci/run installs systemd's
// tools where they are missing).
func TestUnitVerifies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped in -short mode")
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed (apt-get install systemd): skipping")
	}
	unit, err := os.ReadFile(filepath.Join("..", "..", "systemd", "storyline.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Type=notify", "WatchdogSec=", "StateDirectory=storyline", "DynamicUser=yes",
		"NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes",
		"RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service", "UMask=0077",
		"EnvironmentFile=", "ExecReload=/bin/kill -HUP $MAINPID"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("unit lacks %s", want)
		}
	}
	path := filepath.Join(t.TempDir(), "storyline.service")
	bin, err := storylineBinary()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, bytes.ReplaceAll(unit, []byte("/usr/local/bin/storyline"), []byte(bin)), 0o644)
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
