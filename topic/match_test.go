package topic_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/topic"
)

func TestMatchQuery(t *testing.T) {
	type story = storyline.Story
	title := func(s string) story { return story{Title: s} }
	tests := []struct {
		query string
		st    story
		want  bool
	}{
		// case
		{`trump`, title("TRUMP SPEAKS"), true},
		{`TRUMP`, title("trump speaks"), true},
		{`trump`, title("Trumpet solo"), false},
		// accents: Latin letters lose them, both ways
		{`cafe`, title("Un café à Paris"), true},
		{`café`, title("CAFE SOCIETY"), true},
		{`Muller`, title("Thomas Müller scores"), true},
		{`Hollande`, title("François Hollande"), true},
		{`Francois`, title("François Hollande"), true},
		{`école`, title("e\u0301cole normale"), true}, // decomposed accent
		{`Sao Paulo`, title("São Paulo floods"), true},
		{`Łódź`, title("ŁÓDŹ mayor"), true},
		{`lodz`, title("Łódź mayor"), false}, // ł has no decomposition; SQLite keeps it
		// punctuation
		{`trump`, title("Trump's call"), true},
		{`putin`, title("(Putin)"), true},
		{`U.S.`, title("U.S. sanctions"), true},
		{`U.S.`, title("u s sanctions"), true},
		{`U.S.`, title("sanctions on us"), false},
		{`"don't"`, title("I don't know"), true},
		{`10:30`, title("at 10.30 today"), true},
		// hyphenation: a hyphenated query word matches all three spellings
		{`e-mail`, title("new e-mail rules"), true},
		{`e-mail`, title("new email rules"), true},
		{`e-mail`, title("new E Mail rules"), true},
		{`e-mail`, title("new e–mail rules"), true}, // en dash in the text
		{`email`, title("new email rules"), true},
		{`email`, title("new e-mail rules"), false}, // documented: write e-mail
		{`"e-mail"`, title("new e mail rules"), true},
		{`"e-mail"`, title("new email rules"), false},
		{`anti-sanction*`, title("antisanctions bill"), true},
		{`anti-sanction*`, title("anti-sanctions bill"), true},
		// prefix
		{`sanction*`, title("New sanctions"), true},
		{`sanction*`, title("Sanctioned banks"), true},
		{`sanction*`, title("sanctity of life"), false},
		{`"white hou*"`, title("White House"), false}, // no wildcard inside quotes
		// phrases
		{`"white house"`, title("The White House said"), true},
		{`"white house"`, title("White-House"), true},
		{`"white house"`, title("white and house"), false},
		{`"white house"`, title("house white"), false},
		{`"white house"`, story{Title: "Painted white", Summary: "house prices"}, false},
		{`"white house"`, story{Summary: "from the white house"}, true},
		{`"white house"`, story{Content: "the White House"}, true},
		// boolean
		{`trump putin`, title("Trump and Putin"), true},
		{`trump putin`, title("Trump alone"), false},
		{`trump OR putin`, title("Putin alone"), true},
		{`russia -sport`, title("Russia sport news"), false},
		{`russia -sport`, title("Russia news"), true},
		{`russia NOT (sport OR football)`, title("Russia football"), false},
		{`NOT sport`, title("anything"), true},
		{`*`, story{}, true},
		{`* -sport`, title("sport news"), false},
		{`(Trump OR "White House") AND (Putin OR Kremlin)`, title("White House on Kremlin call"), true},
		{`(Trump OR "White House") AND (Putin OR Kremlin)`, title("White House on Moscow call"), false},
		// fields
		{`title:putin`, story{Title: "Putin", Summary: "x"}, true},
		{`title:putin`, story{Title: "x", Summary: "Putin"}, false},
		{`title:(trump OR biden) putin`, story{Title: "Biden", Summary: "Putin"}, true},
		{`author:smith`, story{Author: "Jane Smith"}, true},
		{`author:smith`, story{Title: "Smith"}, false},
		{`author:"jane smith"`, story{Author: "JANE SMITH"}, true},
		{`category:politics`, story{Categories: []string{"World", "Politics"}}, true},
		{`category:"world politics"`, story{Categories: []string{"World", "Politics"}}, false}, // not across categories
		{`category:"world politics"`, story{Categories: []string{"World politics"}}, true},
		{`smith`, story{Author: "Smith"}, false}, // plain words search the text only
		{`feed:reuters-*`, story{Feed: "reuters-world", Feeds: []string{"reuters-world"}}, true},
		{`feed:reuters-*`, story{Feed: "ap", Feeds: []string{"ap", "Reuters-World"}}, true},
		{`feed:reuters`, story{Feeds: []string{"reuters-world"}}, false},
		{`feed:ap`, story{Feed: "ap"}, true},
		{`-feed:sport*`, story{Feeds: []string{"sport-news"}}, false},
		// regex: case-insensitive, on the text as written
		{`/sanction(s|ed)?\b/`, title("SANCTIONED"), true},
		{`/sanction(s|ed)?\b/`, title("sanctioning"), false},
		{`title:/^breaking:/`, story{Title: "Breaking: news"}, true},
		{`title:/^breaking:/`, story{Title: "Not breaking: news"}, false},
		{`/café/`, title("CAFÉ"), true},
		{`/cafe/`, title("café"), false}, // regexes see accents
		{`/(?-i)NATO/`, title("nato"), false},
		// (?i) folds K (Kelvin sign) and ſ (long s) to ASCII: the literal
		// shortcut must not reject them.
		{`/kelvin/`, title("\u212Aelvin scale"), true},
		{`/sanctions/`, title("SANCTIONſ"), true},
		{`/sanctions/`, title("sanction"), false},
	}
	for _, tt := range tests {
		tp, err := topic.Compile("t", tt.query, topic.Options{})
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.query, err)
			continue
		}
		st := tt.st
		if got := tp.QueryMatches(&st); got != tt.want {
			t.Errorf("%s on %+v = %v, want %v", tt.query, tt.st, got, tt.want)
		}
		// The Set path must agree with the single-topic one.
		if _, got := tp.Match(&st, 1); got != tt.want {
			t.Errorf("Match: %s on %+v = %v, want %v", tt.query, tt.st, got, tt.want)
		}
	}
}

func TestTopicOptions(t *testing.T) {
	st := storyline.Story{Title: "Putin and Trump to speak", Feed: "wire", Feeds: []string{"wire", "bbc-world"}}
	tests := []struct {
		name    string
		opt     topic.Options
		sources int
		want    bool
	}{
		{"no options", topic.Options{}, 0, true},
		{"feed listed", topic.Options{Feeds: []string{"wire"}}, 0, true},
		{"second feed by glob", topic.Options{Feeds: []string{"bbc-*"}}, 0, true},
		{"feed not listed", topic.Options{Feeds: []string{"reuters"}}, 0, false},
		{"one of two excluded", topic.Options{Exclude: []string{"wire"}}, 0, true},
		{"all excluded", topic.Options{Exclude: []string{"wire", "bbc-*"}}, 0, false},
		{"listed but excluded", topic.Options{Feeds: []string{"wire"}, Exclude: []string{"w*"}}, 0, false},
		{"min_sources from feeds", topic.Options{MinSources: 2}, 0, true},
		{"min_sources above feeds", topic.Options{MinSources: 3}, 0, false},
		{"min_sources from count", topic.Options{MinSources: 3}, 3, true},
		{"count below", topic.Options{MinSources: 3}, 1, false},
	}
	for _, tt := range tests {
		tp := topic.MustCompile("t", "putin", tt.opt)
		if _, got := tp.Match(&st, tt.sources); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		query string
		opt   topic.Options
		want  string
	}{
		{`(a OR b`, topic.Options{}, `topic "t": query: col 8: expected ')' to close the '(' at col 1`},
		{`a`, topic.Options{Feeds: []string{"["}}, `topic "t": feeds: "[" is not a feed name or glob`},
		{`a`, topic.Options{Exclude: []string{""}}, `topic "t": exclude: "" is not a feed name or glob`},
		{`a`, topic.Options{MinSources: -1}, `topic "t": min_sources must not be negative`},
	}
	for _, tt := range tests {
		_, err := topic.Compile("t", tt.query, tt.opt)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Compile(%q, %+v) = %v, want %s", tt.query, tt.opt, err, tt.want)
		}
	}
}

func TestSetMatch(t *testing.T) {
	set := topic.NewSet(
		topic.MustCompile("us-russia", `(Trump OR "White House") AND (Putin OR Kremlin)`, topic.Options{Priority: 1}),
		topic.MustCompile("sport", `football OR soccer`, topic.Options{}),
		topic.MustCompile("europe", `Merkel OR Hollande OR e-u`, topic.Options{Priority: 5}),
		topic.MustCompile("wire-only", `putin`, topic.Options{Feeds: []string{"wire"}}),
		topic.MustCompile("big", `putin`, topic.Options{MinSources: 2}),
	)
	st := storyline.Story{
		Title:   "Trump, Putin expected to speak by phone",
		Summary: "The White House confirmed the call; Merkel and Hollande are next. The Kremlin agreed.",
		Feed:    "commentary", Feeds: []string{"commentary"},
	}
	got := set.Match(&st, 0)
	want := []storyline.TopicHit{
		{Topic: "europe", Priority: 5, Why: "Merkel (summary); Hollande (summary)"},
		{Topic: "us-russia", Priority: 1, Why: `Trump (title); "White House" (summary); Putin (title); Kremlin (summary)`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Match (-want +got):\n%s", diff)
	}
	got = set.Match(&st, 2)
	if len(got) != 3 || got[2].Topic != "big" || got[2].Why != "putin (title); 2 sources" {
		t.Errorf("Match with 2 sources = %+v, want big third", got)
	}
	if !set.NeedsSources() || topic.NewSet(set.Topics()[:4]...).NeedsSources() {
		t.Error("NeedsSources: want true with the min_sources topic only")
	}
	if got := set.Match(&storyline.Story{Title: "nothing here"}, 0); got != nil {
		t.Errorf("Match on unrelated story = %+v", got)
	}
}

func TestExplain(t *testing.T) {
	tp := topic.MustCompile("t", `(Trump OR "White House") AND (Putin OR Kremlin) -sport OR /zzz/`, topic.Options{})
	st := storyline.Story{
		Title:   "Trump, Putin expected to speak",
		Summary: "A White House spokesman said Putin will call.",
	}
	e := tp.Explain(&st)
	wantTerms := []topic.TermHit{
		{Term: "Trump", Where: []string{"title"}},
		{Term: `"White House"`, Where: []string{"summary"}},
		{Term: "Putin", Where: []string{"title", "summary"}},
	}
	if diff := cmp.Diff(wantTerms, e.Terms); diff != "" {
		t.Errorf("Explain terms (-want +got):\n%s", diff)
	}
	if got, want := topic.Highlight(st.Title, e.SpansIn(topic.PartTitle, 0), "«", "»"), "«Trump», «Putin» expected to speak"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	if got, want := topic.Highlight(st.Summary, e.SpansIn(topic.PartSummary, 0), "[", "]"), "A [White House] spokesman said [Putin] will call."; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if e := tp.Explain(&storyline.Story{Title: "Trump sport Putin"}); len(e.Terms) != 0 {
		t.Errorf("Explain of a non-match = %+v, want empty", e)
	}
}

func TestHighlight(t *testing.T) {
	tests := []struct {
		text  string
		spans []topic.Span
		want  string
	}{
		{"abc", nil, "abc"},
		{"abcdef", []topic.Span{{Start: 0, End: 2}, {Start: 4, End: 6}}, "<ab>cd<ef>"},
		{"abcdef", []topic.Span{{Start: 1, End: 4}, {Start: 2, End: 5}}, "a<bcde>f"},   // overlap merged
		{"abcdef", []topic.Span{{Start: 3, End: 4}, {Start: 1, End: 2}}, "a<b>c<d>ef"}, // unsorted
		{"abc", []topic.Span{{Start: 2, End: 9}}, "abc"},                               // out of range ignored
	}
	for _, tt := range tests {
		if got := topic.Highlight(tt.text, tt.spans, "<", ">"); got != tt.want {
			t.Errorf("Highlight(%q, %v) = %q, want %q", tt.text, tt.spans, got, tt.want)
		}
	}
	// Spans are byte offsets: accented text keeps its bytes.
	tp := topic.MustCompile("t", "cafe", topic.Options{})
	st := storyline.Story{Title: "Le Café de Flore"}
	if got := topic.Highlight(st.Title, tp.Explain(&st).SpansIn(topic.PartTitle, 0), "«", "»"); got != "Le «Café» de Flore" {
		t.Errorf("accented highlight = %q", got)
	}
}

// TestSetConcurrent: one Set serves every poll worker at once.
func TestSetConcurrent(t *testing.T) {
	set := topic.NewSet(benchTopics(100)...)
	stories := []storyline.Story{benchStory(0), benchStory(300), {Title: "Trump, Putin and the White House"}}
	want := make([][]storyline.TopicHit, len(stories))
	for i := range stories {
		want[i] = set.Match(&stories[i], 2)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				i := (g + n) % len(stories)
				if got := set.Match(&stories[i], 2); !cmp.Equal(got, want[i]) {
					errs <- fmt.Sprintf("story %d: %v, want %v", i, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
