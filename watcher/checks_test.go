package watcher

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestCheckDial: which addresses each setting lets the fetcher dial. Only
// the check runs; nothing is dialled.
func TestCheckDial(t *testing.T) {
	deflt := FetchOptions{AllowPrivate: true} // the config's default
	strict := FetchOptions{}
	open := FetchOptions{AllowPrivate: true, AllowLinkLocal: true}
	tests := []struct {
		addr string
		opts FetchOptions
		want string // "" when allowed, else part of the error
	}{
		{"169.254.169.254:80", deflt, "metadata address"},
		{"169.254.10.1:80", deflt, "link-local address"},
		{"[fe80::1]:80", deflt, "link-local address"},
		{"127.0.0.1:8080", deflt, ""},
		{"10.0.0.5:80", deflt, ""},
		{"93.184.216.34:443", deflt, ""},
		{"127.0.0.1:8080", strict, "non-public address"},
		{"169.254.169.254:80", strict, "metadata address"},
		{"93.184.216.34:443", strict, ""},
		{"169.254.169.254:80", open, ""},
	}
	for _, tc := range tests {
		err := checkDial(tc.addr, tc.opts)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("checkDial(%s, %+v) = %v, want %q", tc.addr, tc.opts, err, tc.want)
		}
	}
}

// TestLogInterrupted: a poll cut short by shutdown is logged as
// interrupted, never as a poll that found nothing.
func TestLogInterrupted(t *testing.T) {
	for _, tc := range []struct {
		res Result
		err error
	}{
		{Result{Feed: "wire"}, context.Canceled},
		{Result{Feed: "wire", Err: fmt.Errorf("fetch: %w", context.Canceled)}, nil},
	} {
		var buf bytes.Buffer
		LogResult(slog.New(slog.NewTextHandler(&buf, nil)), tc.res, tc.err)
		if got := buf.String(); !strings.Contains(got, "poll interrupted by shutdown") || strings.Contains(got, "polled") {
			t.Errorf("logged %q", got)
		}
	}
}
