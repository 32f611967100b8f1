package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/storyline/storyline/config"
	"github.com/storyline/storyline/daemon"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/internal/demo"
	"github.com/storyline/storyline/notify/webhook"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/web"
)

// cmdDemo runs the real pipeline against built-in feeds served on loopback,
// into a temporary database: nothing leaves the machine.
func cmdDemo(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	keep := fs.String("keep", "", "keep the demo database in this directory instead of a temporary one")
	serve := fs.Bool("serve", false, "keep serving the web view of the demo's database until Ctrl-C")
	if err := parseOnlyFlags(fs, args); err != nil {
		return err
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "storyline-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	srv, err := demo.Start(a.now())
	if err != nil {
		return err
	}
	defer func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Close(shutdown)
	}()

	inbox, err := startInbox(demoSecret, a.now)
	if err != nil {
		return err
	}
	defer inbox.close()

	cfg := config.Default()
	cfg.Storage.Path = filepath.Join(dir, "storyline.db")
	for _, name := range demo.Names {
		cfg.Feeds = append(cfg.Feeds, config.Feed{Name: name, URL: srv.URL(name), Timeout: cfg.Fetch.Timeout, UserAgent: cfg.Fetch.UserAgent})
	}
	cfg.Notify.Webhooks = map[string]config.Webhook{"inbox": {URL: inbox.url, Format: config.FormatJSON, Secret: demoSecret}}
	cfg.Digests = []config.Digest{{Name: "demo", Schedule: "0 7 * * *", To: []string{"webhook:inbox"}, MaxStories: 50, Subject: "storyline demo digest"}}
	a.cfg = cfg
	a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	feeds, err := daemon.Feeds(cfg)
	if err != nil {
		return err
	}
	w, err := a.watcher(ctx)
	if err != nil {
		return err
	}
	defer w.Close() // before the server closes: idle keep-alive connections would hold it up
	fmt.Fprintf(a.stdout, "storyline demo: %d sample feeds on %s, database %s\n", len(feeds), srv.URL("")[:len(srv.URL(""))-5], cfg.Storage.Path)

	fmt.Fprintln(a.stdout, "\n== Poll 1: first look at each feed (its stories are backlog, kept out of digests)")
	results, err := w.PollAll(ctx, feeds, true)
	printPollResults(a.stdout, results)
	if err != nil {
		return err
	}
	srv.Advance()
	fmt.Fprintln(a.stdout, "\n== Poll 2: the outlets publish again (conditional GET: unchanged feeds answer 304)")
	results, err = w.PollAll(ctx, feeds, true)
	printPollResults(a.stdout, results)
	if err != nil {
		return err
	}

	// The web view of the demo's database, on loopback while the demo runs.
	view, err := startView(ctx, a)
	if err != nil {
		return err
	}
	defer view.close()
	fmt.Fprintf(a.stdout, "\n== Web view: %s (calendar %scalendar.ics, Atom %sfeed.atom)\n", view.url, view.url, view.url)

	db := a.db
	stories, err := db.Stories(ctx, storage.StoryFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n== Stored stories (%d; a story carried by two feeds is stored once)\n", len(stories))
	printStories(a, stories)

	ts, err := db.Threads(ctx, storage.ThreadFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\n== Follow-ups: anticipated events and what became of them")
	printThreads(a, followup.Threads(ts, daemon.FollowupOptions(a.cfg), a.now()))

	fmt.Fprintln(a.stdout, "\n== Digest (stories from the first poll are backlog and left out)")
	n, err := daemon.NewNotifier(cfg, db, a.log, a.now)
	if err != nil {
		return err
	}
	res, err := n.Digester.Run(ctx, "demo")
	if err != nil {
		return err
	}
	if res.Record == nil {
		return fmt.Errorf("demo digest: nothing to send")
	}
	fmt.Fprint(a.stdout, res.Record.Text)
	n.Deliverer.Policy = foregroundPolicy(n.Deliverer.Policy)
	if err := n.Deliverer.Drain(ctx, a.now().Add(30*time.Second)); err != nil {
		return err
	}
	got := inbox.received()
	fmt.Fprintf(a.stdout, "\n== Delivered: %d signed webhook to the demo inbox on loopback (signature verified: %v, Idempotency-Key %s)\n",
		len(got), len(got) == 1 && got[0].verified, func() string {
			if len(got) > 0 {
				return got[0].key
			}
			return "-"
		}())
	again, err := n.Digester.Run(ctx, "demo")
	if err != nil {
		return err
	}
	if again.Record == nil {
		fmt.Fprintln(a.stdout, "Composing again with nothing new: nothing sent.")
	}
	if *keep != "" {
		// A config beside the database (no feeds: the demo's servers are
		// gone) so that the other commands read what the demo stored.
		kept := filepath.Join(dir, "storyline.yaml")
		body := "# Written by storyline demo --keep: its database, for the read commands.\nstorage: {path: storyline.db}\n"
		if err := os.WriteFile(kept, []byte(body), 0o600); err != nil {
			return err
		}
		abs, _ := filepath.Abs(kept)
		fmt.Fprintf(a.stdout, "\nKept in %s. Browse it with:\n  storyline --config %s stories\n  storyline --config %s threads\n", dir, abs, abs)
	}
	if *serve {
		fmt.Fprintf(a.stdout, "\nServing the web view at %s until Ctrl-C.\n", view.url)
		<-ctx.Done()
	}
	return nil
}

// view is the web view served on a loopback port.
type view struct {
	url   string
	srv   *http.Server
	done  chan struct{}
	close func()
}

// startView serves the web view of the app's database on a free loopback
// port until close.
func startView(ctx context.Context, a *app) (*view, error) {
	db, err := a.openDB(ctx)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	v := &view{url: "http://" + ln.Addr().String() + "/", done: make(chan struct{})}
	v.srv = &http.Server{Handler: web.New(web.Options{DB: db, Followup: daemon.FollowupOptions(a.cfg), Now: a.now, Log: a.log}),
		ReadHeaderTimeout: 5 * time.Second}
	go func() { defer close(v.done); v.srv.Serve(ln) }()
	v.close = func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		v.srv.Shutdown(shutdown)
		<-v.done
	}
	return v, nil
}

// demoSecret signs the demo's webhook; it never leaves the machine.
const demoSecret = "storyline-demo-secret"

type inboxMessage struct {
	key      string
	verified bool
}

// inbox is the demo's webhook receiver on loopback: it checks signatures
// as docs/webhooks.md tells receivers to.
type inbox struct {
	url  string
	srv  *http.Server
	done chan error
	mu   sync.Mutex
	msgs []inboxMessage
}

func startInbox(secret string, now func() time.Time) (*inbox, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	in := &inbox{url: "http://" + ln.Addr().String() + "/hook", done: make(chan error, 1)}
	in.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ok := webhook.Verify(secret, r.Header.Get(webhook.HeaderSignature), body, now(), 5*time.Minute) == nil
		in.mu.Lock()
		in.msgs = append(in.msgs, inboxMessage{key: r.Header.Get(webhook.HeaderIdempotency), verified: ok})
		in.mu.Unlock()
	})}
	go func() { in.done <- in.srv.Serve(ln) }()
	return in, nil
}

func (in *inbox) received() []inboxMessage {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]inboxMessage(nil), in.msgs...)
}

func (in *inbox) close() {
	in.srv.Close()
	<-in.done
}
