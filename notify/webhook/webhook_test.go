package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/golden"
	"github.com/storyline/storyline/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var end = time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC)

// message is a recorded digest of n made-up stories with a follow-up and a
// failing feed.
func message(t *testing.T, n int) notify.Message {
	t.Helper()
	var stories []storyline.Story
	for i := 1; i <= n; i++ {
		stories = append(stories, storyline.Story{ID: int64(i), URL: fmt.Sprintf("https://wire.example/%d?a=(b)|c", i),
			Title: fmt.Sprintf("Story *%d* [draft] <@everyone> & co", i), Feed: "wire", Feeds: []string{"wire"},
			Published: end.Add(-time.Duration(i) * time.Minute)})
	}
	if n > 0 {
		stories = append(stories, storyline.Story{ID: int64(n + 1), URL: "https://bbc.example/x", Title: "copy", Feed: "bbc", DuplicateOf: 1})
	}
	events := []storyline.DigestEvent{{ID: 7, Summary: "Leaders speak by phone", Expected: end.Truncate(24 * time.Hour), Status: "happened",
		Anticipation: storyline.DigestRef{ID: 0, URL: "https://wire.example/plan", Title: "Leaders to speak"},
		Outcome:      storyline.DigestRef{ID: 50, URL: "https://wire.example/spoke", Title: "Leaders spoke"}, Relation: "happened"}}
	feeds := []storyline.FeedHealth{{FeedState: storyline.FeedState{Name: "under_score*", Failures: 3,
		LastError: "HTTP 503 Service Unavailable", LastSuccess: end.Add(-50 * time.Hour)}}}
	d := notify.Compose(notify.Spec{Name: "morning", Subject: "storyline: morning ☕", AlertAfter: 24 * time.Hour},
		notify.Input{Start: end.Add(-24 * time.Hour), End: end, Stories: stories, Events: events, Feeds: feeds})
	payload, err := notify.RenderPayload(d)
	if err != nil {
		t.Fatal(err)
	}
	return notify.Message{Target: "ops", Digest: storyline.DigestRecord{Key: d.Key, Name: d.Name, Subject: d.Subject, Payload: payload}}
}

func TestPresetsGolden(t *testing.T) {
	m := message(t, 2)
	for _, f := range []string{FormatJSON, FormatSlack, FormatDiscord, FormatNtfy} {
		body, h, err := Body(f, m)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var hs []string
		for _, k := range []string{"Content-Type", "Title", "Tags", "Markdown"} {
			if v := h.Get(k); v != "" {
				hs = append(hs, k+": "+v)
			}
		}
		golden.Check(t, f+".golden", strings.Join(hs, "\n")+"\n\n"+string(body), *update)
		if f != FormatNtfy && !json.Valid(body) {
			t.Errorf("%s: body is not JSON", f)
		}
	}
	if _, _, err := Body("teams", m); err == nil {
		t.Error("an unknown format rendered")
	}
}

func TestPresetsStayWithinLimits(t *testing.T) {
	m := message(t, 300)
	for _, tt := range []struct {
		format, field string
		limit         int
		size          func(string) int
	}{
		{FormatSlack, "text", slackLimit, utf8.RuneCountInString},
		{FormatDiscord, "content", discordLimit, utf8.RuneCountInString},
		{FormatNtfy, "", ntfyLimit, func(s string) int { return len(s) }},
	} {
		body, _, err := Body(tt.format, m)
		if err != nil {
			t.Fatal(err)
		}
		text := string(body)
		if tt.field != "" {
			var v map[string]any
			if err := json.Unmarshal(body, &v); err != nil {
				t.Fatal(err)
			}
			text = v[tt.field].(string)
		}
		if n := tt.size(text); n > tt.limit || n < tt.limit/2 {
			t.Errorf("%s: %d long, want at most %d (and not much less)", tt.format, n, tt.limit)
		}
		if !strings.Contains(text, "more in the full digest") {
			t.Errorf("%s: a cut message does not say how much was left out", tt.format)
		}
	}
}

func TestSignVerify(t *testing.T) {
	body := []byte(`{"version":1}`)
	now := time.Unix(1485586800, 0)
	sig := Sign("s3cret", now, body)
	// The vector in docs/webhooks.md, computed independently.
	if want := "t=1485586800,v1=4c6bfba44c3c4cb7308edb8d20cff8978945552d213294b9caddac92a060559f"; sig != want {
		t.Fatalf("signature = %q, want %q", sig, want)
	}
	tests := []struct {
		name   string
		secret string
		header string
		body   []byte
		at     time.Time
		want   error
	}{
		{"valid", "s3cret", sig, body, now.Add(time.Minute), nil},
		{"rotated secrets: any v1 may match", "s3cret", Sign("old", now, body) + "," + strings.Split(sig, ",")[1], body, now, nil},
		{"tampered body", "s3cret", sig, []byte(`{"version":2}`), now, ErrNoSignature},
		{"wrong secret", "other", sig, body, now, ErrNoSignature},
		{"replayed later", "s3cret", sig, body, now.Add(10 * time.Minute), ErrStaleRequest},
		{"timestamp changed", "s3cret", strings.Replace(sig, "t=1485586800", "t=1485586900", 1), body, now, ErrNoSignature},
		{"no header", "s3cret", "", body, now, ErrNoSignature},
	}
	for _, tt := range tests {
		if err := Verify(tt.secret, tt.header, tt.body, tt.at, 5*time.Minute); !errors.Is(err, tt.want) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"Sat, 28 Jan 2017 07:02:00 GMT", 2 * time.Minute, true},
		{"Sat, 28 Jan 2017 06:00:00 GMT", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		got, ok := retryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestSendClassifiesAnswers posts to a real loopback server answering each
// request with the status under test.
func TestSendClassifiesAnswers(t *testing.T) {
	var got *http.Request
	var gotBody []byte
	status, header := 200, http.Header{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		for k, v := range header {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		io.WriteString(w, "answer body")
	}))
	defer srv.Close()
	now := time.Unix(1485586800, 0)
	s := &Sender{Hooks: map[string]Hook{"ops": {URL: srv.URL + "/hook/SECRET-TOKEN", Secret: "k"}}, Now: func() time.Time { return now }, UserAgent: "storyline-test"}
	m := message(t, 1)

	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("200: %v", err)
	}
	if got.Header.Get(HeaderIdempotency) != m.Digest.Key || got.Header.Get("Content-Type") != "application/json" ||
		got.Header.Get("User-Agent") != "storyline-test" || got.Header.Get(HeaderEvent) != "digest" {
		t.Errorf("headers = %v", got.Header)
	}
	if err := Verify("k", got.Header.Get(HeaderSignature), gotBody, now, time.Minute); err != nil {
		t.Errorf("receiver cannot verify the signature: %v", err)
	}
	if string(gotBody) != string(m.Digest.Payload) {
		t.Error("the json format must send the recorded payload byte for byte")
	}

	tests := []struct {
		status     int
		retryAfter string
		permanent  bool
		after      time.Duration // -1: no RetryAfterError
	}{
		{500, "", false, -1},
		{503, "7", false, 7 * time.Second},
		{429, "2", false, 2 * time.Second},
		{429, "", false, -1},
		{400, "", true, -1},
		{404, "5", true, -1},
		{410, "", true, -1},
		{301, "", true, -1},
	}
	for _, tt := range tests {
		status, header = tt.status, http.Header{}
		if tt.status == 301 {
			header.Set("Location", "/elsewhere")
		}
		if tt.retryAfter != "" {
			header.Set("Retry-After", tt.retryAfter)
		}
		err := s.Send(context.Background(), m)
		var perm *notify.PermanentError
		var ra *notify.RetryAfterError
		switch {
		case err == nil:
			t.Errorf("HTTP %d: no error", tt.status)
		case errors.As(err, &perm) != tt.permanent:
			t.Errorf("HTTP %d: permanent = %v, want %v (%v)", tt.status, !tt.permanent, tt.permanent, err)
		case tt.after >= 0 && (!errors.As(err, &ra) || ra.After != tt.after):
			t.Errorf("HTTP %d: %v, want retry after %v", tt.status, err, tt.after)
		case tt.after < 0 && errors.As(err, &ra):
			t.Errorf("HTTP %d: unexpected retry after %v", tt.status, ra.After)
		case !strings.Contains(err.Error(), "answer body"):
			t.Errorf("HTTP %d: error %q does not quote the answer", tt.status, err)
		}
		if tt.status == 301 && got.URL.Path != "/hook/SECRET-TOKEN" {
			t.Errorf("a redirect was followed to %s", got.URL.Path)
		}
	}

	srv.Close()
	err := s.Send(context.Background(), m)
	var perm *notify.PermanentError
	if err == nil || errors.As(err, &perm) {
		t.Errorf("server down: %v, want a temporary error", err)
	}
	if strings.Contains(err.Error(), "SECRET-TOKEN") {
		t.Errorf("error leaks the hook URL: %v", err)
	}
	if err := s.Send(context.Background(), notify.Message{Target: "nope", Digest: m.Digest}); !errors.As(err, &perm) {
		t.Errorf("unknown hook: %v, want a permanent error", err)
	}
}

func TestPresetEmptyWithFeedNotice(t *testing.T) {
	last := end.Add(-7 * 24 * time.Hour)
	feeds := []storyline.FeedHealth{{FeedState: storyline.FeedState{Name: "blog", LastSuccess: end.Add(-time.Hour)},
		Arrivals: []time.Time{last, last.Add(-12 * time.Hour), last.Add(-24 * time.Hour)}, WeekBefore: true}}
	d := notify.Compose(notify.Spec{Name: "evening", Subject: "evening", SendEmpty: true}, notify.Input{End: end, Feeds: feeds})
	payload, err := notify.RenderPayload(d)
	if err != nil {
		t.Fatal(err)
	}
	body, _, err := Body(FormatNtfy, notify.Message{Digest: storyline.DigestRecord{Key: d.Key, Payload: payload}})
	if err != nil {
		t.Fatal(err)
	}
	want := "**evening**\n\nNothing new.\n\n**Feed health**\n• **blog**: no new story for 7d, usually one every 12h"
	if string(body) != want {
		t.Errorf("body:\n%s\nwant:\n%s", body, want)
	}
}
