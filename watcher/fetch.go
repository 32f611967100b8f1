package watcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FetchOptions bound and identify every request.
type FetchOptions struct {
	Timeout      time.Duration // whole request, body included
	MaxBody      int64         // bytes after decompression
	UserAgent    string
	AllowPrivate bool // when false, refuse loopback, private, link-local and metadata addresses
	// AllowLinkLocal admits link-local addresses (169.254.0.0/16, fe80::/10)
	// and cloud metadata endpoints, which AllowPrivate alone does not: no
	// feed lives there, and a metadata endpoint hands out credentials.
	AllowLinkLocal bool
}

// Fetcher is storyline's HTTP client for feeds.
type Fetcher struct {
	client *http.Client
	opts   FetchOptions
}

const maxRedirects = 5

// NewFetcher builds a client with its own transport. Go's transport asks for
// gzip and decompresses it transparently; the body cap applies after
// decompression, so a gzip bomb stops at MaxBody.
func NewFetcher(opts FetchOptions) *Fetcher {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	// Checked on the address actually dialled, so DNS rebinding cannot slip
	// a refused address past a check made at resolve time.
	dialer.Control = func(_, address string, _ syscall.RawConn) error {
		return checkDial(address, opts)
	}
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          200,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		ExpectContinueTimeout: time.Second,
	}
	client := &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("more than %d redirects", maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to unsupported scheme %q", req.URL.Scheme)
			}
			return nil
		},
	}
	return &Fetcher{client: client, opts: opts}
}

// Close releases idle connections.
func (f *Fetcher) Close() { f.client.CloseIdleConnections() }

// Request is one conditional fetch.
type Request struct {
	URL          string
	ETag         string
	LastModified string
	UserAgent    string // overrides the default when set
	Timeout      time.Duration
}

// Response is a fetched feed, or a 304.
type Response struct {
	Status       int
	NotModified  bool
	Body         []byte
	ContentType  string
	ETag         string
	LastModified string
	MaxAge       time.Duration // Cache-Control max-age; 0 when absent
	URL          string        // after redirects
}

// StatusError is a non-success HTTP answer.
type StatusError struct {
	Code       int
	RetryAfter time.Duration // from Retry-After on 429 and 503
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// ErrTooLarge reports a body over the configured cap.
var ErrTooLarge = errors.New("body exceeds the size limit")

// Fetch performs a conditional GET. A 304 has NotModified set and no body.
func (f *Fetcher) Fetch(ctx context.Context, r Request, now time.Time) (*Response, error) {
	timeout := f.opts.Timeout
	if r.Timeout > 0 {
		timeout = r.Timeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("bad feed URL: %w", err)
	}
	ua := f.opts.UserAgent
	if r.UserAgent != "" {
		ua = r.UserAgent
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		var ne net.Error
		if ctx.Err() == context.DeadlineExceeded || (errors.As(err, &ne) && ne.Timeout()) {
			return nil, fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	out := &Response{
		Status:       resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		MaxAge:       maxAge(resp.Header.Get("Cache-Control")),
		URL:          resp.Request.URL.String(),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
		e := &StatusError{Code: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), now)
		}
		return out, e
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBody+1))
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return out, fmt.Errorf("timed out after %s reading the body: %w", timeout, err)
		}
		return out, fmt.Errorf("reading body: %w", err)
	}
	if int64(len(body)) > f.opts.MaxBody {
		return out, fmt.Errorf("%w (%d bytes)", ErrTooLarge, f.opts.MaxBody)
	}
	out.Body = body
	return out, nil
}

// retryAfter reads delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(365*24*time.Hour/time.Second) {
			n = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func maxAge(cc string) time.Duration {
	for _, part := range strings.Split(cc, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || !strings.EqualFold(k, "max-age") {
			continue
		}
		n, err := strconv.Atoi(strings.Trim(v, `"`))
		if err != nil || n <= 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	return 0
}

var metadataAddrs = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"),
	netip.MustParseAddr("fd00:ec2::254"),
}

// checkDial refuses the addresses opts rule out: link-local and metadata
// ones unless AllowLinkLocal, and every non-public one unless AllowPrivate.
func checkDial(address string, opts FetchOptions) error {
	if opts.AllowPrivate && opts.AllowLinkLocal {
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("refusing non-IP address %q", host)
	}
	ip = ip.Unmap()
	if !opts.AllowLinkLocal {
		if slices.Contains(metadataAddrs, ip) {
			return fmt.Errorf("refusing to connect to metadata address %s (fetch.allow_link_local is false)", ip)
		}
		if ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() {
			return fmt.Errorf("refusing to connect to link-local address %s (fetch.allow_link_local is false)", ip)
		}
	}
	if opts.AllowPrivate {
		return nil
	}
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() ||
		(ip.Is4() && ip.As4()[0] == 100 && ip.As4()[1]&0xc0 == 64) { // 100.64.0.0/10 carrier-grade NAT
		return fmt.Errorf("refusing to connect to non-public address %s (fetch.allow_private is false)", ip)
	}
	return nil
}
