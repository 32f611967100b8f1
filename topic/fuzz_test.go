package topic_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/topic"
)

// fuzzStories are a few stories written for this test: accents, hyphens,
// punctuation, every field a query can name.
func fuzzStories() []storyline.Story {
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	mk := func(feed, title, summary, author string, cats ...string) storyline.Story {
		at = at.Add(time.Hour)
		return storyline.Story{Title: title, Summary: summary, Author: author, Categories: cats,
			Feed: feed, Feeds: []string{feed}, Published: at, FirstSeen: at}
	}
	return []storyline.Story{
		mk("wire-world", "Mayor of Velmora to meet harbour workers on Friday", "The e-mail said talks would start at 10:30.", "Ana Ortiz", "Politics"),
		mk("wire-world", "Velmora harbour strike called off", "Workers and the mayor reached a deal late on Thursday.", "Ana Ortiz", "Politics", "Labour"),
		mk("daily-tech", "New email rules for U.S. start-ups", "Regulators publish draft rules; start ups have 30 days to comment.", "Kim Lee", "Science and Technology"),
		mk("daily-tech", "Café chain São Brás opens in Łódź", "The café opened its first shop abroad.", "Zoë Brandt", "Business"),
		mk("sport-daily", "Velmora FC sign striker", "The club's sport director confirmed the transfer.", "", "Sport"),
		mk("wire-world", "Parliament sanctions vote delayed", "Sanctioned firms lobbied MPs; the vote is postponed to next week.", "Ana Ortiz", "Politics"),
		mk("daily-tech", "Don't panic: the take-over is off", "A takeover bid for the chipmaker was withdrawn.", "Kim Lee", "Business"),
		mk("sport-daily", "!!! 100% ??? ...", "", "", ""),
	}
}

// FuzzQuery parses arbitrary queries: Parse and Compile never panic, every
// error is a *SyntaxError whose column lies within the query, and a query
// that parses can be matched, explained and run through its FTS5 prefilter
// on a real SQLite index, which must find at least every story the matcher
// accepts.
//
//	go test ./topic -run '^$' -fuzz FuzzQuery -fuzztime 1m
func FuzzQuery(f *testing.F) {
	for _, q := range []string{
		`trump`, `"white house" -sport`, `(Trump OR Biden) AND (Putin OR Kremlin) -sport`,
		`title:velmora AND NOT feed:sport-*`, `author:"ana ortiz" category:politics`,
		`sanction* OR /sanction(s|ed)?\b/`, `e-mail`, `take-over`, `U.S.`, `10:30`, `café`, `Łódź`,
		`* -sport`, `title:(harbour strike)`, `feed:[`, `a)`, `((a)`, `"unterminated`, `/(a/`, `a OR`,
		`trump or putin`, `title:*`, `f*ck`, `""`, "a \xff", strings.Repeat("(", 60) + "a",
		strings.Repeat("-", 60) + "a", `NOT NOT NOT x`, `-(-(-a))`, `u.s*`, `ab-c*`, `ab-cd*`, `/^$/`, `/(?i)VELMORA/ title:/.*/`,
	} {
		f.Add(q)
	}
	// Real headlines make realistic queries, when the shared corpus is there.
	if _, err := os.Stat(corpusPath); err == nil {
		for i, st := range loadHeadlines(f) {
			if i%500 == 0 {
				f.Add(st.Title)
			}
		}
	}
	stories := fuzzStories()
	db := storeStories(f, stories)
	ctx := context.Background()

	f.Fuzz(func(t *testing.T, query string) {
		q, perr := topic.Parse(query)
		tp, cerr := topic.Compile("fuzz", query, topic.Options{})
		if (perr == nil) != (cerr == nil) {
			t.Fatalf("Parse error %v but Compile error %v", perr, cerr)
		}
		if perr != nil {
			for _, err := range []error{perr, cerr} {
				var se *topic.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %T is not a *topic.SyntaxError: %v", err, err)
				}
				if n := utf8.RuneCountInString(query); se.Col < 1 || se.Col > n+1 {
					t.Fatalf("error column %d outside the query (%d characters): %v", se.Col, n, err)
				}
			}
			return
		}
		if q.String() != query {
			t.Fatalf("String() = %q, want the query as written", q.String())
		}

		// The query's own text as a story: explanations must point inside it.
		self := storyline.Story{Title: query, Summary: strings.ToUpper(query), Author: query,
			Categories: []string{query}, Feed: "self", Feeds: []string{"self"}}
		all := append([]storyline.Story{self}, stories...)
		for i := range all {
			st := &all[i]
			matched := tp.QueryMatches(st)
			e := tp.Explain(st)
			if !matched && len(e.Terms)+len(e.Spans) > 0 {
				t.Fatalf("story %q: no match but explained %+v", st.Title, e)
			}
			for _, sp := range e.Spans {
				text := partText(st, sp)
				if sp.Start < 0 || sp.Start >= sp.End || sp.End > len(text) {
					t.Fatalf("story %q: span %+v outside its text %q", st.Title, sp, text)
				}
			}
			_ = topic.Highlight(st.Title, e.SpansIn(topic.PartTitle, 0), "[", "]")
		}

		// The prefilter on SQLite: valid FTS5, and never misses a match.
		expr, exact := q.FTS()
		var want, candidates, confirmed []int64
		for i := range stories {
			if tp.QueryMatches(&stories[i]) {
				want = append(want, stories[i].ID)
			}
		}
		err := db.SearchStories(ctx, storyline.StorySearch{Match: expr}, func(st *storyline.Story, _ int) error {
			candidates = append(candidates, st.ID)
			if tp.QueryMatches(st) {
				confirmed = append(confirmed, st.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("FTS expression %q: %v", expr, err)
		}
		slices.Sort(want)
		slices.Sort(confirmed)
		if !slices.Equal(confirmed, want) {
			t.Fatalf("FTS %q: prefilter confirmed %v, matcher accepts %v", expr, confirmed, want)
		}
		if exact && len(candidates) != len(want) {
			t.Fatalf("exact FTS %q gave %d candidates for %d matches", expr, len(candidates), len(want))
		}
	})
}

func partText(st *storyline.Story, sp topic.Span) string {
	switch sp.Part {
	case topic.PartTitle:
		return st.Title
	case topic.PartSummary:
		return st.Summary
	case topic.PartContent:
		return st.Content
	case topic.PartAuthor:
		return st.Author
	case topic.PartCategory:
		if sp.Index < len(st.Categories) {
			return st.Categories[sp.Index]
		}
	}
	return ""
}
