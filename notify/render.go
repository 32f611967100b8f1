package notify

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode/utf8"
)

//go:embed templates/*.tmpl
var templates embed.FS

// textWidth is where the text rendering wraps lines.
const textWidth = 72

var funcs = map[string]any{
	"day":       dayText,
	"outlet":    func(source, feed string) string { return outletText(source, feed) },
	"also":      alsoText,
	"relation":  relationText,
	"underline": func(s string) string { return strings.Repeat("=", utf8.RuneCountInString(s)) },
	"wrap":      wrap,
	"notice":    noticeText,
}

var (
	textTmpl = texttemplate.Must(texttemplate.New("digest.txt.tmpl").Funcs(funcs).ParseFS(templates, "templates/digest.txt.tmpl"))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("digest.html.tmpl").Funcs(funcs).ParseFS(templates, "templates/digest.html.tmpl"))
)

// RenderText renders the text/plain version of d.
func RenderText(d *Digest) (string, error) {
	var b bytes.Buffer
	if err := textTmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("notify: render text: %w", err)
	}
	return b.String(), nil
}

// RenderHTML renders the text/html version of d. Every story text was
// stripped of markup by Compose and html/template escapes it again; links
// with a scheme other than http(s) or mailto are neutralised by html/template.
func RenderHTML(d *Digest) (string, error) {
	var b bytes.Buffer
	if err := htmlTmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("notify: render html: %w", err)
	}
	return b.String(), nil
}

// RenderPayload renders the versioned JSON document of d.
func RenderPayload(d *Digest) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // readable titles; the payload is not embedded in HTML
	enc.SetIndent("", "  ")
	if err := enc.Encode(Payload{Version: PayloadVersion, Type: "digest", Digest: d.withEmptyLists()}); err != nil {
		return nil, fmt.Errorf("notify: render payload: %w", err)
	}
	return b.Bytes(), nil
}

// withEmptyLists is d with every absent list empty: the payload has []
// where there is nothing, never null, so a receiver iterates without a
// check. d is not changed.
func (d *Digest) withEmptyLists() Digest {
	c := *d
	c.Sections = orEmpty(c.Sections)
	c.FollowUps = orEmpty(c.FollowUps)
	c.Upcoming = orEmpty(c.Upcoming)
	c.Overdue = orEmpty(c.Overdue)
	secs := make([]Section, len(c.Sections))
	for i, sec := range c.Sections {
		stories := make([]Story, len(sec.Stories))
		for j, st := range sec.Stories {
			st.Topics, st.Also = orEmpty(st.Topics), orEmpty(st.Also)
			stories[j] = st
		}
		sec.Stories = stories
		secs[i] = sec
	}
	c.Sections = secs
	return c
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ParsePayload reads a document written by RenderPayload.
func ParsePayload(b []byte) (*Payload, error) {
	var p Payload
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("notify: payload: %w", err)
	}
	if p.Version != PayloadVersion {
		return nil, fmt.Errorf("notify: payload version %d, want %d", p.Version, PayloadVersion)
	}
	return &p, nil
}

const timeLayout = "Mon 2 Jan 2006 15:04 MST"

func whenText(t time.Time, loc *time.Location) string { return t.In(loc).Format(timeLayout) }

func windowText(w Window, loc *time.Location) string {
	if w.Start == nil {
		return "Until " + w.End.In(loc).Format(timeLayout)
	}
	return w.Start.In(loc).Format(timeLayout) + " to " + w.End.In(loc).Format(timeLayout)
}

// When shows t in the digest's zone (templates: {{$.When .Published}}).
func (d *Digest) When(t time.Time) string { return whenText(t, d.location()) }

// WindowText shows the digest's window in its zone.
func (d *Digest) WindowText() string { return windowText(d.Window, d.location()) }

func (d *Digest) location() *time.Location {
	if d.loc == nil {
		return time.UTC
	}
	return d.loc
}

func dayText(day *string) string {
	if day == nil {
		return "date unknown"
	}
	t, err := time.Parse(time.DateOnly, *day)
	if err != nil {
		return *day
	}
	return t.Format("Mon 2 Jan 2006")
}

func outletText(source, feed string) string {
	if source != "" && source != feed {
		return source + " via " + feed
	}
	return feed
}

func alsoText(also []Also) string {
	var b strings.Builder
	b.WriteString("Also reported by: ")
	for i, a := range also {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.Outlet)
		if a.URL != "" {
			b.WriteString(" <" + a.URL + ">")
		}
	}
	return b.String()
}

func relationText(rel string) string {
	switch rel {
	case "cancelled":
		return "Cancelled"
	case "postponed":
		return "Postponed"
	default:
		return "Reported"
	}
}

// wrap breaks s into lines of at most textWidth characters where it can,
// indenting the continuation lines by indent spaces.
func wrap(s string, indent int) string {
	var b strings.Builder
	col := indent
	for i, w := range strings.Fields(s) {
		n := utf8.RuneCountInString(w)
		if i > 0 {
			if col+1+n > textWidth {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				col = indent
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += n
	}
	return b.String()
}
