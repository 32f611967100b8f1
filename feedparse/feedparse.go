// Package feedparse turns a fetched feed document into normalised items:
// gofeed parsing, charset handling, date fallbacks, HTML reduced to text,
// absolute and canonical links, times in UTC.
package feedparse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/canonical"
)

// Feed is a parsed feed document.
type Feed struct {
	Title string
	Link  string
	TTL   time.Duration // RSS <ttl>; 0 when absent
	Items []storyline.Item
}

// ErrNotFeed reports a document that is not RSS, Atom or JSON Feed, such as
// an HTML page served where a feed was expected.
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

// maxSummary bounds a summary's length in bytes: enough for the lead
// sentences that anticipation detection and digests use.
const maxSummary = 1200

// Parse parses body, fetched from feedURL with the given Content-Type header
// (may be empty). Relative links resolve against the feed's own link, else
// feedURL.
func Parse(body []byte, contentType, feedURL string) (*Feed, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, errors.New("empty document")
	}
	// A feed opens with markup or JSON (or a UTF-16 byte order mark): any
	// other first byte is no feed, refused before the copies that decoding
	// and parsing make (200 MB of random bytes took 1.2 GB).
	if c := trimmed[0]; c != '<' && c != '{' && c != 0xFE && c != 0xFF && c != 0 {
		return nil, ErrNotFeed
	}
	body, err := toUTF8(body, contentType)
	if err != nil {
		return nil, err
	}
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	f, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("parse feed: %w", err)
	}
	out := &Feed{Title: cleanLine(f.Title), Link: f.Link}
	base, _ := url.Parse(feedURL)
	if l, err := url.Parse(strings.TrimSpace(f.Link)); err == nil && l.IsAbs() {
		base = l
	}
	var sources []*rss.Item
	if rf, ok := f.OriginalFeed().(*rss.Feed); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(rf.TTL)); err == nil && n > 0 {
			out.TTL = time.Duration(n) * time.Minute
		}
		if len(rf.Items) == len(f.Items) {
			sources = rf.Items
		}
	}
	out.Items = make([]storyline.Item, 0, len(f.Items))
	for i, it := range f.Items {
		item := normalise(it, base)
		if sources != nil && sources[i].Source != nil {
			item.Source = cleanLine(sources[i].Source.Title)
		}
		if item.Title == "" && item.Summary == "" && item.URL == "" {
			continue // nothing a reader could use
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

func normalise(it *gofeed.Item, base *url.URL) storyline.Item {
	item := storyline.Item{
		GUID:  strings.TrimSpace(it.GUID),
		Title: cleanLine(HTMLToText(it.Title)),
	}
	link := strings.TrimSpace(it.Link)
	if link == "" && len(it.Links) > 0 {
		link = strings.TrimSpace(it.Links[0])
	}
	if link == "" && isHTTPURL(item.GUID) {
		link = item.GUID // a permalink GUID is the link
	}
	if link != "" {
		item.URL = resolve(base, link)
		item.Canonical = canonical.URL(item.URL)
	}
	item.Content = HTMLToText(it.Content)
	item.Summary = truncate(HTMLToText(it.Description), maxSummary)
	if item.Summary == "" {
		item.Summary = truncate(item.Content, maxSummary)
	}
	if item.Content == item.Summary {
		item.Content = ""
	}
	if it.Author != nil {
		item.Author = cleanLine(it.Author.Name)
	} else if len(it.Authors) > 0 && it.Authors[0] != nil {
		item.Author = cleanLine(it.Authors[0].Name)
	}
	for _, c := range it.Categories {
		if c = cleanLine(c); c != "" {
			item.Categories = append(item.Categories, c)
		}
	}
	item.Published = pickTime(it.PublishedParsed, it.Published)
	item.Updated = pickTime(it.UpdatedParsed, it.Updated)
	if item.Published.IsZero() {
		item.Published = item.Updated
	}
	return item
}

func pickTime(parsed *time.Time, raw string) time.Time {
	if parsed != nil && !parsed.IsZero() {
		return parsed.UTC()
	}
	t, _ := ParseDate(raw)
	return t
}

var dateLayouts = []string{
	time.RFC1123Z, time.RFC1123, time.RFC3339, time.RFC3339Nano, time.RFC822Z, time.RFC822,
	"2 Jan 2006 15:04 -0700", "2 Jan 2006 15:04:05 -0700", "02 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 -0700", "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05 Z", "Mon, 2 January 2006 15:04:05 -0700", "Monday, 2 January 2006 15:04:05 -0700",
	"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02", "2006/01/02 15:04:05", "2006/01/02", "January 2, 2006 15:04", "January 2, 2006", "Jan 2, 2006",
	"2 January 2006", "02.01.2006 15:04", "02.01.2006",
}

var spaces = regexp.MustCompile(`\s+`)

// ParseDate parses the date forms gofeed leaves unparsed, such as
// "28 Jan 2017 10:00 +0100" or Unix epoch seconds (or milliseconds).
// The result is UTC; a time without a zone is taken as UTC.
func ParseDate(raw string) (time.Time, error) {
	s := strings.TrimSpace(spaces.ReplaceAllString(raw, " "))
	if s == "" {
		return time.Time{}, errors.New("empty date")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if n > 1e12 { // milliseconds
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	// Some feeds name the zone in words after a numeric offset: drop it.
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	s = strings.Replace(s, " UT", " UTC", 1)
	s = strings.Replace(s, " UTCC", " UTC", 1)
	s = strings.Replace(s, " GMT", " +0000", 1)
	s = strings.Replace(s, " UTC", " +0000", 1)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date %q", raw)
}

var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']`)

// toUTF8 applies the Content-Type charset only when the XML declaration
// names none (the declaration wins, and gofeed honours it). A document
// that is neither declared nor valid UTF-8 is read as Windows-1252, the
// encoding browsers assume for such pages.
func toUTF8(body []byte, contentType string) ([]byte, error) {
	head := body
	if len(head) > 512 {
		head = head[:512]
	}
	if xmlEncoding.Match(head) {
		return body, nil
	}
	label := ""
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		label = strings.ToLower(strings.TrimSpace(params["charset"]))
	}
	switch {
	case label != "" && label != "utf-8" && label != "utf8":
		r, err := charset.NewReaderLabel(label, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("charset %q from Content-Type: %w", label, err)
		}
		return io.ReadAll(r)
	case utf8.Valid(body):
		return body, nil
	default:
		return charmap.Windows1252.NewDecoder().Bytes(body)
	}
}

// resolve makes a relative link absolute. An absolute link is kept exactly
// as published (re-encoding it would change it: "\\?" becomes "%5C?").
func resolve(base *url.URL, link string) string {
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() || base == nil {
		return link
	}
	return base.ResolveReference(u).String()
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// cleanLine folds a value onto one line.
func cleanLine(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// truncate cuts s to at most n bytes at a word boundary, adding an ellipsis.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:") + "…"
}
