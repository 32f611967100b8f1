// Package webhook delivers digests over HTTP: the versioned JSON payload
// (docs/webhooks.md), or a preset body for Slack, Discord or ntfy. Requests
// carry an Idempotency-Key (the digest key) and, when the hook has a secret,
// an HMAC-SHA256 signature over the timestamp and the body.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/storyline/storyline/notify"
)

// Formats.
const (
	FormatJSON    = "json"
	FormatSlack   = "slack"
	FormatDiscord = "discord"
	FormatNtfy    = "ntfy"
)

// Header names.
const (
	HeaderSignature   = "X-Storyline-Signature"
	HeaderIdempotency = "Idempotency-Key"
	HeaderEvent       = "X-Storyline-Event"
)

// Hook is one configured endpoint.
type Hook struct {
	URL    string
	Format string // json (default) | slack | discord | ntfy
	Secret string // signs the request when not empty
}

// Sender posts digests to named hooks. It implements notify.Sender for the
// "webhook" recipient kind.
type Sender struct {
	Hooks     map[string]Hook
	Client    *http.Client // nil: a client that follows no redirects
	Now       func() time.Time
	UserAgent string
}

// noRedirects answers a redirect with the redirect itself: a POST must not
// turn into a GET somewhere else, and the URL may be a credential.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// maxErrorBody is how much of a refusal's body goes into the error.
const maxErrorBody = 200

// Send posts m to the hook named m.Target.
func (s *Sender) Send(ctx context.Context, m notify.Message) error {
	hook, ok := s.Hooks[m.Target]
	if !ok {
		return notify.Permanent(fmt.Errorf("webhook %q is not configured", m.Target))
	}
	req, err := s.Request(ctx, hook, m)
	if err != nil {
		return notify.Permanent(fmt.Errorf("webhook %s: %w", m.Target, err))
	}
	client := s.Client
	if client == nil {
		client = noRedirects
	}
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error quotes the URL, which for Slack and Discord is the
		// credential: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("webhook %s: %w", m.Target, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("webhook %s: HTTP %s", m.Target, resp.Status)
	if b := strings.TrimSpace(string(snippet)); b != "" {
		err = fmt.Errorf("%w: %s", err, strings.ToValidUTF8(b, "?"))
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		if after, ok := retryAfter(resp.Header.Get("Retry-After"), s.now()); ok {
			return &notify.RetryAfterError{Err: err, After: after}
		}
		return err
	default:
		return notify.Permanent(err)
	}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Request builds the signed request that delivers m to hook.
func (s *Sender) Request(ctx context.Context, hook Hook, m notify.Message) (*http.Request, error) {
	body, header, err := Body(hook.Format, m)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("bad URL: %w", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set(HeaderIdempotency, m.Digest.Key)
	req.Header.Set(HeaderEvent, "digest")
	if s.UserAgent != "" {
		req.Header.Set("User-Agent", s.UserAgent)
	}
	if hook.Secret != "" {
		req.Header.Set(HeaderSignature, Sign(hook.Secret, s.now(), body))
	}
	return req, nil
}

// Sign returns the X-Storyline-Signature value for body sent at t:
// "t=UNIX,v1=HEX", HEX being HMAC-SHA256(secret, "UNIX." + body).
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(body)
	return h.Sum(nil)
}

// Verification errors.
var (
	ErrNoSignature  = errors.New("webhook: no valid signature")
	ErrStaleRequest = errors.New("webhook: signature timestamp outside the tolerance")
)

// Verify checks a signature header as a receiver should: some v1 value must
// match the body, and its timestamp must be within tolerance of now (which
// defeats replays). Several v1 values may appear while a secret is rotated.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrNoSignature
	}
	want := mac(secret, ts, body)
	ok := false
	for _, s := range sigs {
		ok = ok || hmac.Equal(s, want)
	}
	if !ok {
		return ErrNoSignature
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return ErrStaleRequest
	}
	return nil
}

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(7*24*time.Hour/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
