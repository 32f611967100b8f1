package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// The timelines are SVG drawn here from dates only (no feed text enters
// them), so they need no escaping and no script.

const (
	svgWidth  = 600.0
	svgMargin = 12.0
)

// timeline draws one event on a time axis: its announcements, the
// expected date, its outcome, and now.
func timeline(e event, now time.Time) template.HTML {
	var marks []time.Time
	var anns []time.Time
	if !e.Announced.IsZero() {
		anns = append(anns, e.Announced)
	}
	for _, a := range e.Announcements {
		if t, err := time.Parse(time.RFC3339, a.Published); err == nil {
			anns = append(anns, t)
		}
	}
	marks = append(marks, anns...)
	if !e.Expected.IsZero() {
		marks = append(marks, e.Expected, e.Expected.Add(24*time.Hour))
	}
	if !e.Resolved.IsZero() {
		marks = append(marks, e.Resolved)
	}
	marks = append(marks, now)
	from, to := span(marks)
	x := scale(from, to)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline" viewBox="0 0 %.0f 44" role="img" aria-label="timeline">`, svgWidth)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="22" x2="%.1f" y2="22" class="axis"/>`, svgMargin, svgWidth-svgMargin)
	if !e.Expected.IsZero() {
		x0, x1 := x(e.Expected), x(e.Expected.Add(24*time.Hour))
		fmt.Fprintf(&b, `<rect x="%.1f" y="12" width="%.1f" height="20" class="expected"><title>expected %s</title></rect>`,
			x0, max(x1-x0, 3), e.Expected.Format(time.DateOnly))
	}
	for _, t := range anns {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="22" r="5" class="announced"><title>announced %s</title></circle>`, x(t), t.UTC().Format(time.DateOnly))
	}
	if !e.Resolved.IsZero() {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="22" r="7" class="outcome %s"><title>%s %s</title></circle>`,
			x(e.Resolved), e.Status, e.Status, e.Resolved.UTC().Format(time.DateOnly))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="4" x2="%.1f" y2="40" class="now"><title>now</title></line>`, x(now), x(now))
	fmt.Fprintf(&b, `<text x="%.1f" y="42" class="label">%s</text><text x="%.1f" y="42" class="label end">%s</text>`,
		svgMargin, from.Format("2 Jan"), svgWidth-svgMargin, to.Format("2 Jan"))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers and dates only
}

// overview draws the next 30 days with a mark for each expected event.
func overview(upcoming []event, now time.Time) template.HTML {
	from := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	to := from.Add(30 * 24 * time.Hour)
	x := scale(from, to)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline overview" viewBox="0 0 %.0f 60" role="img" aria-label="the next 30 days">`, svgWidth)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="30" x2="%.1f" y2="30" class="axis"/>`, svgMargin, svgWidth-svgMargin)
	for d := 0; d <= 30; d += 7 {
		t := from.Add(time.Duration(d) * 24 * time.Hour)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="24" x2="%.1f" y2="36" class="tick"/><text x="%.1f" y="54" class="label">%s</text>`,
			x(t), x(t), x(t), t.Format("2 Jan"))
	}
	perDay := map[string]int{}
	for _, e := range upcoming {
		if e.Expected.Before(from) || !e.Expected.Before(to) {
			continue
		}
		k := e.Expected.Format(time.DateOnly)
		perDay[k]++
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%d" r="5" class="announced"><title>%s</title></circle>`,
			x(e.Expected.Add(12*time.Hour)), 30-8*(perDay[k]-1), k)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// span is the days around marks, at least a week.
func span(marks []time.Time) (time.Time, time.Time) {
	from, to := marks[0], marks[0]
	for _, t := range marks {
		from, to = minTime(from, t), maxTime(to, t)
	}
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC).Add(-24 * time.Hour)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC).Add(48 * time.Hour)
	if to.Sub(from) < 7*24*time.Hour {
		to = from.Add(7 * 24 * time.Hour)
	}
	return from, to
}

func scale(from, to time.Time) func(time.Time) float64 {
	width := svgWidth - 2*svgMargin
	total := to.Sub(from).Seconds()
	return func(t time.Time) float64 {
		f := t.Sub(from).Seconds() / total
		return svgMargin + width*min(max(f, 0), 1)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
