package email

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/internal/notifytest"
	"github.com/storyline/storyline/notify"
)

func digestMessage(to string) notify.Message {
	return notify.Message{Target: to, Digest: storyline.DigestRecord{
		Key: "morning@2017-01-28T07:00:00Z", Name: "morning", Subject: "storyline: morning – Saturday",
		Created:   time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC),
		MessageID: "digest.abc@example.org", InReplyTo: "digest.prev@example.org",
		References: []string{"digest.first@example.org", "digest.prev@example.org"},
		Text:       "Plain text digest\nwith a second line é\n", HTML: "<p>HTML digest é</p>",
	}}
}

// parsed is the structure of a received message.
type parsed struct {
	header      mail.Header
	text, html  string
	contentType string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := parsed{header: m.Header}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	p.contentType = mt
	if mt != "multipart/alternative" {
		return p
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part)
		ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			p.text = string(b)
		case "text/html":
			p.html = string(b)
		}
	}
	return p
}

func TestSendModes(t *testing.T) {
	tests := []struct {
		name    string
		opts    notifytest.SMTPOptions
		tls     string
		user    string
		wantTLS bool
	}{
		{"starttls with auth", notifytest.SMTPOptions{Username: "bot", Password: "pw"}, TLSStartTLS, "bot", true},
		{"implicit tls with auth", notifytest.SMTPOptions{Implicit: true, Username: "bot", Password: "pw"}, TLSImplicit, "bot", true},
		{"plain to a loopback relay", notifytest.SMTPOptions{NoTLS: true}, TLSNone, "", false},
		{"plain with auth to a loopback relay", notifytest.SMTPOptions{NoTLS: true, Username: "bot", Password: "pw"}, TLSNone, "bot", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := notifytest.NewSMTPServer(t, tt.opts)
			s, err := New(Config{Host: srv.Host, Port: srv.Port, TLS: tt.tls, Username: tt.user, Password: "pw",
				From: "storyline@example.org", TLSConfig: srv.ClientTLS, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(context.Background(), digestMessage("me@example.org")); err != nil {
				t.Fatal(err)
			}
			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server got %d messages", len(got))
			}
			m := got[0]
			if m.TLS != tt.wantTLS || m.User != tt.user || m.From != "storyline@example.org" || len(m.To) != 1 || m.To[0] != "me@example.org" {
				t.Errorf("envelope: tls=%v user=%q from=%q to=%v", m.TLS, m.User, m.From, m.To)
			}
			p := parse(t, m.Data)
			h := p.header
			for k, want := range map[string]string{
				"Message-Id":     "<digest.abc@example.org>",
				"In-Reply-To":    "<digest.prev@example.org>",
				"References":     "<digest.first@example.org> <digest.prev@example.org>",
				"Auto-Submitted": "auto-generated",
				"To":             "<me@example.org>",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			if subj, _ := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); subj != "storyline: morning – Saturday" {
				t.Errorf("Subject = %q", subj)
			}
			if date, err := h.Date(); err != nil || !date.Equal(time.Date(2017, 1, 28, 7, 0, 0, 0, time.UTC)) {
				t.Errorf("Date = %v, %v", date, err)
			}
			if p.contentType != "multipart/alternative" || !strings.Contains(p.text, "second line é") || p.html != "<p>HTML digest é</p>" {
				t.Errorf("body: %s, text %q, html %q", p.contentType, p.text, p.html)
			}
		})
	}
}

func TestSendFailures(t *testing.T) {
	ctx := context.Background()
	srv := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{Username: "bot", Password: "pw"})
	cfg := Config{Host: srv.Host, Port: srv.Port, Username: "bot", Password: "pw", From: "storyline@example.org",
		TLSConfig: srv.ClientTLS, Timeout: 5 * time.Second}
	send := func(cfg Config) error {
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s.Send(ctx, digestMessage("me@example.org"))
	}
	isPermanent := func(err error) bool {
		var p *notify.PermanentError
		return errors.As(err, &p)
	}

	srv.FailNext(1, 451)
	if err := send(cfg); err == nil || isPermanent(err) {
		t.Errorf("451: %v, want a temporary error", err)
	}
	srv.FailNext(1, 554)
	if err := send(cfg); err == nil || !isPermanent(err) {
		t.Errorf("554: %v, want a permanent error", err)
	}
	bad := cfg
	bad.Password = "wrong"
	if err := send(bad); err == nil {
		t.Error("a wrong password sent")
	}
	untrusted := cfg
	untrusted.TLSConfig = nil
	if err := send(untrusted); err == nil {
		t.Error("sent over TLS to an untrusted certificate")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages from failing sends", n)
	}
	if err := send(cfg); err != nil {
		t.Errorf("after the failures: %v", err)
	}

	plain := notifytest.NewSMTPServer(t, notifytest.SMTPOptions{NoTLS: true})
	if err := send(Config{Host: plain.Host, Port: plain.Port, TLS: TLSStartTLS, From: "storyline@example.org", Timeout: 5 * time.Second}); err == nil {
		t.Error("starttls mode sent to a server without STARTTLS")
	}
}

func TestNewChecks(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"none on loopback", Config{Host: "127.0.0.1", TLS: TLSNone, From: "a@b.c"}, true},
		{"none on localhost", Config{Host: "localhost", TLS: TLSNone, From: "a@b.c"}, true},
		{"none on a remote host", Config{Host: "smtp.example.org", TLS: TLSNone, From: "a@b.c"}, false},
		{"unknown mode", Config{Host: "smtp.example.org", TLS: "ssl", From: "a@b.c"}, false},
		{"bad from", Config{Host: "smtp.example.org", From: "not an address"}, false},
		{"default starttls", Config{Host: "smtp.example.org", From: "a@b.c"}, true},
	} {
		if _, err := New(tt.cfg); (err == nil) != tt.ok {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
	if d := Domain("Storyline <storyline@news.example.org>"); d != "news.example.org" {
		t.Errorf("Domain = %q", d)
	}
}
