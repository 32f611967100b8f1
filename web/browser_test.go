package web_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/storyline/storyline/storage"
)

var updateScreenshots = flag.Bool("update-screenshots", false, "write the browser test's screenshots to docs/screenshots for README")

// chromium finds a Chromium to drive. .ci/run installs Debian's and sets
// STORYLINE_BROWSER_REQUIRED, so CI never skips this test silently.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("STORYLINE_BROWSER_REQUIRED") != "" {
		t.Fatal("no Chromium found, and STORYLINE_BROWSER_REQUIRED is set (apt-get install chromium)")
	}
	t.Skip("no Chromium found (apt-get install chromium): skipping the browser test")
	return ""
}

// TestBrowser loads the page, an event page and a topic filter in headless
// Chromium: the sections and timelines are there, nothing errs in the
// console (a CSP violation would), and no request leaves 127.0.0.1. It
// takes screenshots at desktop and phone widths.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser; skipped in -short mode")
	}
	exe := chromium(t)
	db := seeded(t)
	srv := httptest.NewServer(handler(db, ""))
	defer srv.Close()
	threads, err := db.Threads(context.Background(), storage.ThreadFilter{})
	if err != nil || len(threads) == 0 {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	var mu sync.Mutex
	var problems []string
	// The first call starts the browser, on a context without a deadline.
	err = chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			if u, err := url.Parse(ev.Request.URL); err == nil && u.Scheme != "data" && u.Hostname() != "127.0.0.1" {
				problems = append(problems, "request left loopback: "+ev.Request.URL)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
				problems = append(problems, "console "+string(ev.Type))
			}
		case *cdplog.EventEntryAdded: // where a CSP violation is reported
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				problems = append(problems, "log "+string(ev.Entry.Level)+": "+ev.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		}
	})
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, stop := context.WithTimeout(ctx, 30*time.Second)
		defer stop()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	shot := func(full bool) []byte {
		t.Helper()
		sctx, stop := context.WithTimeout(ctx, 30*time.Second)
		defer stop()
		a := chromedp.CaptureScreenshot()
		if full {
			a = chromedp.FullScreenshot(100) // PNG
		}
		b, err := chromedp.Run(sctx, a)
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		return b
	}
	count := func(expr string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return n
	}

	shots := t.TempDir()
	if *updateScreenshots {
		shots = filepath.Join("..", "docs", "screenshots")
		os.MkdirAll(shots, 0o755)
	}
	do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#overdue")))
	sections := count(`document.querySelectorAll("#upcoming, #followups, #overdue").length`)
	timelines := count(`document.querySelectorAll("svg.timeline").length`)
	desktop := shot(true)
	do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#overdue")))
	phone := shot(true)
	do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/events/"+itoa(threads[0].Anticipation.ID)),
		chromedp.WaitVisible(chromedp.CSS("svg.timeline")))
	eventPage := shot(true)
	do(chromedp.Navigate(srv.URL+"/?topic=us-russia&q=putin"), chromedp.WaitVisible(chromedp.CSS("#upcoming")))
	if n := count(`document.querySelectorAll("#upcoming").length`); n != 1 {
		t.Errorf("the filtered page has %d upcoming sections", n)
	}
	if sections != 3 || timelines < 2 {
		t.Errorf("%d sections, %d timelines", sections, timelines)
	}
	mu.Lock()
	if len(problems) > 0 {
		t.Errorf("problems in the browser:\n%s", strings.Join(problems, "\n"))
	}
	mu.Unlock()
	for name, b := range map[string][]byte{"index-desktop.png": desktop, "index-phone.png": phone, "event.png": eventPage} {
		if len(b) < 1000 {
			t.Errorf("%s: screenshot of %d bytes", name, len(b))
		}
		if err := os.WriteFile(filepath.Join(shots, name), b, 0o644); err != nil {
			t.Error(err)
		}
	}
}
