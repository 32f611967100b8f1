package followup

import (
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// fuzzPub maps any number onto a publication time between 1971 and 2100,
// the range feeds really carry.
func fuzzPub(sec int64) time.Time {
	lo := time.Date(1971, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2100, 12, 31, 23, 59, 59, 0, time.UTC).Unix()
	sec %= hi - lo
	if sec < 0 {
		sec = -sec
	}
	return time.Unix(lo+sec, 0).UTC()
}

// checkWindow fails unless w is a proper window: both ends midnights UTC,
// From <= To, and at most a year long (the longest expression is "in 2018").
func checkWindow(t *testing.T, what string, w window) {
	t.Helper()
	if w.from.IsZero() != w.to.IsZero() {
		t.Fatalf("%s: half-zero window %v .. %v", what, w.from, w.to)
	}
	if w.zero() {
		return
	}
	for _, end := range []time.Time{w.from, w.to} {
		if end.Location() != time.UTC || !end.Equal(day(end)) {
			t.Fatalf("%s: window end %v is not a UTC midnight", what, end)
		}
	}
	if w.from.After(w.to) {
		t.Fatalf("%s: window %s ends before it starts (%v > %v)", what, w, w.from, w.to)
	}
	if d := w.days(); d > 366 {
		t.Fatalf("%s: window %s is %d days long", what, w, d)
	}
}

// FuzzTimex resolves the time expressions of arbitrary text against an
// arbitrary publication date, and runs Analyze on a story made of the text:
// no panic, every expression's tokens inside the sentence, and every
// resolved window (expressions both ways, anticipated events, outcomes and
// new dates of postponed events) runs forward: From <= To.
//
//	go test ./followup -run '^$' -fuzz FuzzTimex -fuzztime 1m
func FuzzTimex(f *testing.F) {
	fri := time.Date(2017, 1, 27, 21, 5, 0, 0, time.UTC).Unix()
	for _, s := range []struct {
		text string
		pub  int64
	}{
		{"Trump, Putin expected to speak by phone on Saturday\nThe two leaders will also meet later in the year.", fri},
		{"The council is set to vote next Thursday on the harbour plan.", fri},
		{"Ministers will meet on Wednesday, Feb. 22, 2017, in Velmora.", fri},
		{"The launch, scheduled for Feb. 30, was postponed to March 3.", fri},
		{"Talks are due in two weeks; a deal is expected within 10 days.", fri},
		{"The strike was called off last weekend. Unions said on Sunday they would meet next weekend.", fri},
		{"Elections are planned for early March 2019 and a run-off in late May.", fri},
		{"The summit, slated for the 10th of February 2018, may slip to 31 January.", fri},
		{"The mayor will resign by the end of the month, or by year's end.", time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC).Unix()},
		{"The vote is expected this weekend, tonight or tomorrow morning.", time.Date(2023, 12, 31, 23, 0, 0, 0, time.UTC).Unix()},
		{"On Saturday, Trump and Putin spoke by phone. Earlier this week they had met in Helsinki.", time.Date(2017, 1, 29, 14, 30, 0, 0, time.UTC).Unix()},
		{"The court will rule in 2100; the appeal was filed in 1900.", time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC).Unix()},
		{"Next Mon. the board meets; on Tues the staff; this Fri. the press.", time.Date(1971, 1, 1, 0, 0, 0, 0, time.UTC).Unix()},
		{"in a month in 99 days in 0 weeks within a few days in May", fri},
		{"", 0},
	} {
		f.Add(s.text, s.pub)
	}
	f.Fuzz(func(t *testing.T, text string, sec int64) {
		pub := fuzzPub(sec)
		for _, line := range sentences(text) {
			toks := tokenize(line)
			for _, e := range findTimes(toks) {
				if e.start < 0 || e.start >= e.end || e.end > len(toks) {
					t.Fatalf("%q: expression at tokens [%d,%d) of %d", line, e.start, e.end, len(toks))
				}
				for _, fwd := range []bool{true, false} {
					if w, ok := e.resolve(pub, fwd); ok {
						if w.zero() {
							t.Fatalf("%q (%+v): resolved to a zero window", line, e)
						}
						checkWindow(t, line, w)
					}
				}
			}
		}

		title, body, _ := strings.Cut(text, "\n")
		st := &storyline.Story{Title: title, Summary: body, Published: pub, FirstSeen: pub}
		a := Analyze(st)
		for _, ev := range a.Events {
			checkWindow(t, "event "+ev.Summary, window{ev.From, ev.To})
		}
		for _, o := range a.Outcomes {
			checkWindow(t, "outcome "+o.Class, o.When)
			checkWindow(t, "outcome new date "+o.Class, o.NewWhen)
		}
	})
}
