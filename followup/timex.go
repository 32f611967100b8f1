package followup

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// window is an inclusive range of UTC dates (midnights).
type window struct{ from, to time.Time }

func (w window) zero() bool { return w.from.IsZero() }

// days is the window's length in days.
func (w window) days() int { return int(w.to.Sub(w.from).Hours()/24) + 1 }

// String prints the window as a date or a date range.
func (w window) String() string {
	if w.zero() {
		return ""
	}
	if w.from.Equal(w.to) {
		return w.from.Format("2006-01-02")
	}
	return w.from.Format("2006-01-02") + ".." + w.to.Format("2006-01-02")
}

// overlaps reports whether w and o share a day once each is widened by slack days.
func (w window) overlaps(o window, slack int) bool {
	d := time.Duration(slack) * 24 * time.Hour
	return !w.from.Add(-d).After(o.to) && !o.from.Add(-d).After(w.to)
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func addDays(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

type timeKind int

const (
	tkWeekday timeKind = iota + 1
	tkDate             // month and day, maybe a year
	tkMonth            // a month alone ("in March")
	tkYear             // "in 2018"
	tkPeriod           // today, next week, later this year, ...
	tkSpan             // "in two weeks": a distance from the publication day
)

// timeExpr is a time expression found in a sentence.
type timeExpr struct {
	start, end int // token range [start, end)
	kind       timeKind
	weekday    time.Weekday
	modifier   string // "next", "this", "last", "next week", "by" (a deadline) or ""
	month      time.Month
	dayOfMonth int
	year       int
	period     string
	spanDays   int // for tkSpan
	// future or past only: "tomorrow" cannot describe a done event.
	futureOnly, pastOnly bool
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// Abbreviated weekdays count only after "on", "this", "next", "last", "by".
var weekdayAbbrevs = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "tues": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

var deadlinePreps = set("by", "until", "before")

// namedDays name a day of the week that is not a date: "Black Friday",
// "Super Tuesday", "Cyber Monday".
var namedDays = set("black", "good", "cyber", "super", "ash", "holy", "maundy", "palm", "bloody", "fat", "shrove",
	"giving", "throwback", "manic", "freaky", "music")

var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
	"june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

// periods: phrases naming a window relative to the publication day.
var periods = []struct {
	words  string
	name   string
	future bool
	past   bool
}{
	{words: "later this year", name: "rest-of-year", future: true},
	{words: "later in the year", name: "rest-of-year", future: true},
	{words: "later this month", name: "rest-of-month", future: true},
	{words: "later this week", name: "rest-of-week", future: true},
	{words: "later in the week", name: "rest-of-week", future: true},
	{words: "later in the month", name: "rest-of-month", future: true},
	{words: "later today", name: "today", future: true},
	{words: "by the end of the year", name: "rest-of-year", future: true},
	{words: "by the end of the month", name: "rest-of-month", future: true},
	{words: "by the end of the week", name: "rest-of-week", future: true},
	{words: "by year's end", name: "rest-of-year", future: true},
	{words: "by year end", name: "rest-of-year", future: true},
	{words: "end of the year", name: "rest-of-year", future: true},
	{words: "in the coming days", name: "coming-days", future: true},
	{words: "in coming days", name: "coming-days", future: true},
	{words: "in the coming weeks", name: "coming-weeks", future: true},
	{words: "in coming weeks", name: "coming-weeks", future: true},
	{words: "in the next few days", name: "coming-days", future: true},
	{words: "in the next few weeks", name: "coming-weeks", future: true},
	{words: "within days", name: "coming-days", future: true},
	{words: "within weeks", name: "coming-weeks", future: true},
	{words: "earlier this year", name: "this-year", past: true},
	{words: "earlier this month", name: "this-month", past: true},
	{words: "earlier this week", name: "this-week", past: true},
	{words: "earlier today", name: "today", past: true},
	{words: "this weekend", name: "weekend"},
	{words: "next weekend", name: "next-weekend", future: true},
	{words: "last weekend", name: "last-weekend", past: true},
	{words: "this week", name: "this-week"},
	{words: "next week", name: "next-week", future: true},
	{words: "last week", name: "last-week", past: true},
	{words: "this month", name: "this-month"},
	{words: "next month", name: "next-month", future: true},
	{words: "last month", name: "last-month", past: true},
	{words: "this year", name: "this-year"},
	{words: "next year", name: "next-year", future: true},
	{words: "last year", name: "last-year", past: true},
	{words: "this morning", name: "today"},
	{words: "this afternoon", name: "today"},
	{words: "this evening", name: "today"},
	{words: "tonight", name: "today"},
	{words: "today", name: "today"},
	{words: "tomorrow", name: "tomorrow", future: true},
	{words: "yesterday", name: "yesterday", past: true},
	{words: "overnight", name: "today"},
}

// periodWords are the periods' words, split once.
var periodWords = func() [][]string {
	out := make([][]string, len(periods))
	for i, p := range periods {
		out[i] = strings.Fields(p.words)
	}
	return out
}()

// periodsByFirst lists, for each first word, the periods it begins, in
// table order.
var periodsByFirst = func() map[string][]int {
	out := map[string][]int{}
	for i, ws := range periodWords {
		out[ws[0]] = append(out[ws[0]], i)
	}
	return out
}()

// findTimes returns the time expressions of a tokenised sentence, left to right.
func findTimes(toks []token) []timeExpr {
	var out []timeExpr
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if !t.word || !t.lx.is(lxTimeRelevant) {
			continue // no expression starts here
		}
		prev := ""
		if i > 0 {
			prev = toks[i-1].low
		}
		// Periods (longest phrases first in the table).
		matched := false
		lx := t.lx
		for _, k := range lx.periods {
			p, ws := periods[k], periodWords[k]
			if i+len(ws) > len(toks) {
				continue
			}
			ok := true
			for k, w := range ws {
				if toks[i+k].low != w {
					ok = false
					break
				}
			}
			if ok {
				out = append(out, timeExpr{start: i, end: i + len(ws), kind: tkPeriod, period: p.name, futureOnly: p.future, pastOnly: p.past})
				i += len(ws) - 1
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		// Weekdays, with "next"/"this"/"last".
		wd, isWD := lx.weekday, lx.is(lxWeekday)
		if !isWD {
			if a, ok := lx.abbrevWeekday, lx.is(lxWeekdayAbbrev); ok && (prev == "on" || prev == "this" || prev == "next" || prev == "last" || prev == "by" || prev == "until") {
				wd, isWD = a, true
			}
		}
		if isWD && (namedDays[prev] || i+2 < len(toks) && toks[i+1].low == "night" && toks[i+2].cap) {
			continue // "Black Friday", "Super Tuesday", "Saturday Night Live": a name, not a date
		}
		if isWD {
			e := timeExpr{start: i, end: i + 1, kind: tkWeekday, weekday: wd}
			if deadlinePreps[prev] {
				e.modifier = "by" // "by Monday" said on a Monday is a week away
			}
			if i+2 < len(toks) && toks[i+1].low == "next" && toks[i+2].low == "week" {
				e.modifier, e.end = "next week", i+3 // "on Monday next week"
			}
			if prev == "next" || prev == "this" || prev == "last" || prev == "coming" {
				e.modifier = prev
				if prev == "coming" {
					e.modifier = "this"
				}
				e.start = i - 1
			}
			// "Wednesday, Feb. 22": the date that follows decides.
			if d, n := parseMonthDay(toks, skipPunct(toks, i+1)); n > 0 {
				d.start = e.start
				out = append(out, d)
				i = skipPunct(toks, i+1) + n - 1
				continue
			}
			out = append(out, e)
			continue
		}
		if d, n := parseMonthDay(toks, i); n > 0 {
			out = append(out, d)
			i += n - 1
			continue
		}
		// "31 January", "10th of February".
		if n, ok := lx.day, lx.is(lxDay); ok && i+1 < len(toks) {
			j := i + 1
			if toks[j].low == "of" && j+1 < len(toks) {
				j++
			}
			if m, ok := toks[j].lx.month, toks[j].lx.is(lxMonth); ok && (toks[j].cap || toks[j].upper) {
				e := timeExpr{start: i, end: j + 1, kind: tkDate, month: m, dayOfMonth: n}
				if y, ok := yearAt(toks, j+1); ok {
					e.year, e.end = y, j+2
				}
				out = append(out, e)
				i = e.end - 1
				continue
			}
		}
		// A month alone after "in", "by", "until", "early", "late", "mid", "next", "this".
		// An abbreviation only as a deadline ("by Feb"): "Jan" is a name
		// too, and "in Jan." as often past.
		if m, ok := lx.month, lx.is(lxMonth); ok && (t.cap || t.upper) && (len(t.low) > 3 || t.low != "may" && deadlinePreps[prev]) || ok && t.low == "may" && t.cap && prev == "in" {
			switch prev {
			case "in", "by", "until", "early", "late", "mid", "next", "this", "since", "from", "before", "during":
				e := timeExpr{start: i, end: i + 1, kind: tkMonth, month: m, modifier: prev}
				if y, ok := yearAt(toks, i+1); ok {
					e.year, e.end = y, i+2
				}
				out = append(out, e)
				continue
			}
		}
		// "in two weeks", "within 10 days", "in a month".
		if (t.low == "in" || t.low == "within") && i+2 < len(toks) {
			if n, ok := countWord(toks[i+1].low); ok {
				if unit, ok := spanUnits[toks[i+2].low]; ok {
					out = append(out, timeExpr{start: i, end: i + 3, kind: tkSpan, spanDays: n * unit, futureOnly: true})
					i += 2
					continue
				}
			}
		}
		// "in 2018".
		if y, ok := yearAt(toks, i); ok && (prev == "in" || prev == "by" || prev == "during" || prev == "until") {
			out = append(out, timeExpr{start: i, end: i + 1, kind: tkYear, year: y})
		}
	}
	if len(out) > 0 && dateline(toks, out[0]) {
		out = out[1:]
	}
	if len(out) == 0 {
		// A clock time with no day is today's: "news conference at 1045
		// GMT". With a day, the day says when.
		if e, ok := clockTime(toks); ok {
			out = append(out, e)
		}
	}
	markPast(toks, out)
	return out
}

// clockTime finds "at 1045 GMT", "at 10:45 a.m.", "at 3 p.m. ET", "at
// noon" as the publication day.
func clockTime(toks []token) (timeExpr, bool) {
	for i := 1; i < len(toks); i++ {
		if toks[i-1].low != "at" {
			continue
		}
		w, next := toks[i].low, lowAt(toks, i+1)
		clock := w == "noon" || w == "midnight"
		if h, m, ok := strings.Cut(w, ":"); ok {
			clock = len(h) <= 2 && len(m) == 2 && isDigits(h) && isDigits(m)
		} else if isDigits(w) && len(w) <= 4 {
			meridian := next == "a.m." || next == "p.m." || next == "am" || next == "pm"
			clock = meridian && len(w) <= 2 || len(w) >= 3 && next != "" && toks[i+1].lx.is(lxTimeZone)
		}
		if clock {
			return timeExpr{start: i - 1, end: i + 1, kind: tkPeriod, period: "today"}, true
		}
	}
	return timeExpr{}, false
}

// dateline reports whether e is the date of a dateline opening the
// sentence ("BRUSSELS, Jan 18 (Reuters) -", "PARIS, October 10. /TASS/.",
// "WASHINGTON Feb 7 The Senate"): when the story was filed, not when
// anything happens.
func dateline(toks []token, e timeExpr) bool {
	if e.kind != tkDate || e.start == 0 || e.start > 6 || e.end >= len(toks) {
		return false
	}
	for _, t := range toks[:e.start] {
		if t.word && !t.cap || !t.word && t.low != "," && t.low != "." {
			return false
		}
	}
	if !toks[0].upper {
		return toks[e.end].low == "(" // "Washington, Sept 15 (UrduPoint)"
	}
	switch toks[e.end].low {
	case "(", "-", "--", "—", "–", "/", ".":
		return true
	}
	return toks[e.end].cap
}

// markPast marks a weekday or date next to a past verb as past only.
func markPast(toks []token, out []timeExpr) {
	for i := range out {
		// A day right before or after a past verb is when it was done:
		// "on Friday rejected a bill", "said on Friday" (only a weekday or
		// a date: "this year saw").
		e := &out[i]
		if e.kind != tkWeekday && e.kind != tkDate || e.futureOnly {
			continue
		}
		if e.end < len(toks) && pastVerb(toks[e.end]) ||
			commaPast(toks, e.end) ||
			e.start > 1 && toks[e.start-1].low == "on" && pastVerb(toks[e.start-2]) && (e.start < 3 || toks[e.start-3].low != "be") { // "will be announced on"
			e.pastOnly = true
		}
	}
}

// commaPast reports whether a comma at k closes a subject's time before
// its past verb, "the union, in letters to GM Saturday, said it will",
// not a clause before an inverted "said Abe" ("meet on Feb. 10, said Abe").
func commaPast(toks []token, k int) bool {
	if k+2 >= len(toks) || toks[k].low != "," || !pastVerb(toks[k+1]) {
		return false
	}
	switch toks[k+2].low {
	case "it", "they", "he", "she", "we", "that":
		return true
	}
	return false
}

// pastVerb reports whether t is a past form of an action or of saying,
// not a cue looking ahead ("expected", "scheduled", "planned").
func pastVerb(t token) bool {
	return t.word && t.lx.is(lxPast) && !t.lx.is(lxPastPlan|lxPostNoun|lxToCue|lxPreNoun|lxCopula)
}

var spanUnits = map[string]int{"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30}

// countWord reads a small count: "2", "two", "a", "a few".
func countWord(w string) (int, bool) {
	if n, err := atoi(w); err == nil && n > 0 && n < 100 {
		return n, true
	}
	for i, s := range []string{"a", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"} {
		if w == s {
			return i + 1, true
		}
	}
	if w == "an" || w == "one" {
		return 1, true
	}
	return 0, false
}

func skipPunct(toks []token, i int) int {
	for i < len(toks) && (toks[i].low == "," || toks[i].low == "(") {
		i++
	}
	return i
}

// parseMonthDay reads "Jan. 31", "January 28, 2017", "Feb 10" at i and
// returns the expression and the number of tokens used (0 if none).
func parseMonthDay(toks []token, i int) (timeExpr, int) {
	if i+1 >= len(toks) {
		return timeExpr{}, 0
	}
	m, ok := toks[i].lx.month, toks[i].lx.is(lxMonth)
	if !ok || !(toks[i].cap || toks[i].upper) {
		return timeExpr{}, 0
	}
	n, ok := toks[i+1].lx.day, toks[i+1].lx.is(lxDay)
	if !ok {
		return timeExpr{}, 0
	}
	e := timeExpr{start: i, end: i + 2, kind: tkDate, month: m, dayOfMonth: n}
	j := i + 2
	if j < len(toks) && toks[j].low == "," {
		j++
	}
	if y, ok := yearAt(toks, j); ok {
		e.year, e.end = y, j+1
	}
	return e, e.end - i
}

func dayNumber(s string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		s = strings.TrimSuffix(s, suf)
	}
	n, err := atoi(s)
	if err != nil || n < 1 || n > 31 || len(s) > 2 {
		return 0, false
	}
	return n, true
}

func yearAt(toks []token, i int) (int, bool) {
	if i >= len(toks) || !toks[i].lx.is(lxYear) {
		return 0, false
	}
	return toks[i].lx.year, true
}

// resolve turns the expression into a window relative to the publication
// time: forward for anticipated events ("on Saturday" from a Friday is the
// next day), backward for reported ones ("on Saturday" from a Sunday is
// the day before). ok is false when the expression cannot apply in that
// direction ("tomorrow" for a done event).
func (e timeExpr) resolve(pub time.Time, forward bool) (window, bool) {
	p := day(pub)
	if forward && e.pastOnly || !forward && e.futureOnly {
		return window{}, false
	}
	switch e.kind {
	case tkWeekday:
		delta := (int(e.weekday) - int(p.Weekday()) + 7) % 7
		back := (int(p.Weekday()) - int(e.weekday) + 7) % 7
		switch e.modifier {
		case "next week":
			if !forward {
				return window{}, false
			}
			d := addDays(p, 7-(int(p.Weekday())+6)%7+(int(e.weekday)+6)%7) // that day of the week after this one
			return window{d, d}, true
		case "next":
			if !forward {
				return window{}, false
			}
			if delta == 0 {
				d := addDays(p, 7)
				return window{d, d}, true
			}
			// "next Thursday" on a Monday: this week's or the following one.
			return window{addDays(p, delta), addDays(p, delta+7)}, true
		case "last":
			if forward {
				return window{}, false
			}
			if back == 0 {
				back = 7
			}
			d := addDays(p, -back)
			return window{d, d}, true
		}
		if forward {
			if delta == 0 && e.modifier == "by" {
				delta = 7
			}
			d := addDays(p, delta)
			return window{d, d}, true
		}
		d := addDays(p, -back)
		return window{d, d}, true
	case tkDate:
		y := e.year
		if y == 0 {
			y = p.Year()
			d := time.Date(y, e.month, e.dayOfMonth, 0, 0, 0, 0, time.UTC)
			if forward && d.Before(addDays(p, -7)) {
				y++
			} else if !forward && d.After(addDays(p, 183)) {
				// A past sentence may still name a date ahead ("funded
				// until Nov. 17"): only one far ahead is last year's.
				y--
			}
		}
		d := time.Date(y, e.month, e.dayOfMonth, 0, 0, 0, 0, time.UTC)
		if d.Month() != e.month { // Feb 30
			return window{}, false
		}
		return window{d, d}, true
	case tkMonth:
		y := e.year
		if y == 0 {
			y = p.Year()
			if forward && e.month < p.Month() {
				y++
			} else if !forward && e.month > p.Month() {
				y--
			}
		}
		from := time.Date(y, e.month, 1, 0, 0, 0, 0, time.UTC)
		to := addDays(from.AddDate(0, 1, 0), -1)
		switch e.modifier {
		case "early":
			to = addDays(from, 10)
		case "late":
			from = addDays(from, 19)
		case "mid":
			from, to = addDays(from, 9), addDays(from, 20)
		}
		return window{from, to}, true
	case tkSpan:
		// Around the stated distance: "in two weeks" is days 11 to 17.
		slack := max(1, e.spanDays/4)
		return window{addDays(p, e.spanDays-slack), addDays(p, e.spanDays+slack)}, true
	case tkYear:
		from := time.Date(e.year, 1, 1, 0, 0, 0, 0, time.UTC)
		return window{from, time.Date(e.year, 12, 31, 0, 0, 0, 0, time.UTC)}, true
	}
	// Periods.
	monday := addDays(p, -((int(p.Weekday()) + 6) % 7))
	sunday := addDays(monday, 6)
	monthStart := time.Date(p.Year(), p.Month(), 1, 0, 0, 0, 0, time.UTC)
	monthEnd := addDays(monthStart.AddDate(0, 1, 0), -1)
	yearEnd := time.Date(p.Year(), 12, 31, 0, 0, 0, 0, time.UTC)
	yearStart := time.Date(p.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	switch e.period {
	case "today":
		return window{p, p}, true
	case "tomorrow":
		return window{addDays(p, 1), addDays(p, 1)}, true
	case "yesterday":
		return window{addDays(p, -1), addDays(p, -1)}, true
	case "rest-of-week":
		return window{p, sunday}, true
	case "rest-of-month":
		return window{p, monthEnd}, true
	case "rest-of-year":
		return window{p, yearEnd}, true
	case "coming-days":
		return window{p, addDays(p, 7)}, true
	case "coming-weeks":
		return window{p, addDays(p, 28)}, true
	case "weekend":
		sat := addDays(monday, 5)
		if p.After(sat) {
			sat = p
		}
		if !forward {
			return window{addDays(monday, -2), p}, true
		}
		return window{sat, sunday}, true
	case "next-weekend":
		return window{addDays(monday, 12), addDays(monday, 13)}, true
	case "last-weekend":
		return window{addDays(monday, -2), addDays(monday, -1)}, true
	case "this-week":
		if forward {
			return window{p, sunday}, true
		}
		return window{monday, p}, true
	case "next-week":
		return window{addDays(monday, 7), addDays(monday, 13)}, true
	case "last-week":
		return window{addDays(monday, -7), addDays(monday, -1)}, true
	case "this-month":
		if forward {
			return window{p, monthEnd}, true
		}
		return window{monthStart, p}, true
	case "next-month":
		from := monthStart.AddDate(0, 1, 0)
		return window{from, addDays(from.AddDate(0, 1, 0), -1)}, true
	case "last-month":
		from := monthStart.AddDate(0, -1, 0)
		return window{from, addDays(monthStart, -1)}, true
	case "this-year":
		if forward {
			return window{p, yearEnd}, true
		}
		return window{yearStart, p}, true
	case "next-year":
		return window{time.Date(p.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(p.Year()+1, 12, 31, 0, 0, 0, 0, time.UTC)}, true
	case "last-year":
		return window{time.Date(p.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(p.Year()-1, 12, 31, 0, 0, 0, 0, time.UTC)}, true
	}
	return window{}, false
}

var errNotNumber = errors.New("not a number")

// atoi is strconv.Atoi without its cost on words: it is asked about most
// words of a story, and a failed Atoi allocates its error.
func atoi(s string) (int, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '+' && c != '-' {
			return 0, errNotNumber
		}
	}
	return strconv.Atoi(s)
}
