package followup

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/storyline/storyline"
)

func story(title, body string, pub time.Time) *storyline.Story {
	return &storyline.Story{ID: 1, Title: title, Summary: body, Published: pub}
}

// modeOf analyses one sentence (as a story body under a neutral title)
// and reports how it presents its first action of class.
func modeOf(sentence, class string, pub time.Time) (mode string, when string) {
	a := Analyze(story("Update", sentence, pub))
	for _, e := range a.Events {
		if e.Class == class {
			w := window{e.From, e.To}
			return "anticipated", w.String()
		}
	}
	for _, o := range a.Outcomes {
		if o.Class == class {
			return string(o.Relation), o.When.String()
		}
	}
	// A lone sentence may read as anticipated without the story announcing
	// it (its cue is the lexicon's, not one of the story-level cues).
	for _, x := range a.ahead {
		if x.class == class {
			return "anticipated", x.when.String()
		}
	}
	return "none", ""
}

func TestAnticipationCues(t *testing.T) {
	tests := []struct {
		sentence string
		class    string
		want     string
	}{
		// Future and planned cues.
		{"Chancellor Olaf Scholz is expected to visit Warsaw on Monday.", "meet", "anticipated"},
		{"Governor Ana Lopez is set to sign the budget bill on Tuesday.", "sign", "anticipated"},
		{"The Senate is scheduled to vote on the bill on Thursday.", "vote", "anticipated"},
		{"Boeing is slated to unveil its new jet next week.", "announce", "anticipated"},
		{"Judge Mary Chen is due to rule on the motion on Friday.", "rule", "anticipated"},
		{"Storm Helene is poised to make landfall in Florida on Thursday.", "land", "anticipated"},
		{"Prime Minister Rishi Sunak is likely to resign next month.", "resign", "anticipated"},
		{"The United Auto Workers union plans to strike at Ford plants next week.", "strike", "anticipated"},
		{"The agency aims to launch the Europa probe in October.", "launch", "anticipated"},
		{"President Emmanuel Macron is to meet Chancellor Olaf Scholz in Berlin on Monday.", "meet", "anticipated"},
		{"President Joe Biden will speak with President Xi Jinping on Tuesday.", "speak", "anticipated"},
		{"Biden and Xi may talk by phone later this week.", "speak", "anticipated"},
		{"Senator Bob Ruiz could testify before the committee next week.", "testify", "anticipated"},
		{"Ahead of the summit between Modi and Albanese in Delhi on Friday, officials gathered.", "meet", "anticipated"},
		{"Officials prepared for the upcoming summit of Modi and Albanese on March 10.", "meet", "anticipated"},
		{"Modi and Albanese agreed to hold talks on March 10.", "meet", "anticipated"},
		{"Storm Helene isn't expected to make landfall in Cuba until early Sunday.", "land", "anticipated"},
		{"The phone call between Biden and Xi was scheduled to take place on Saturday, the White House said on Friday.", "speak", "anticipated"},
		// Realised: past tense and done nouns.
		{"Biden and Xi spoke by phone on Thursday.", "speak", "happened"},
		{"Biden and Xi are meeting in Bali next week.", "meet", "anticipated"},
		{"Google is releasing the kit this month.", "announce", "anticipated"},
		{"Biden and Xi are speaking by phone, the White House said.", "speak", "happened"},
		{"Biden and Xi held talks in Bali on Monday.", "meet", "happened"},
		{"The call between Biden and Xi lasted two hours.", "speak", "happened"},
		{"The Senate voted 52-48 to pass the bill.", "vote", "happened"},
		{"Governor Ana Lopez signed the budget on Tuesday.", "sign", "happened"},
		{"Judge Mary Chen upheld the ban on Friday.", "rule", "happened"},
		{"Storm Helene made landfall near Tampa on Thursday.", "land", "happened"},
		{"Boeing unveiled its new jet at the Paris air show.", "announce", "happened"},
		{"Senator Bob Ruiz testified for three hours.", "testify", "happened"},
		{"The rocket lifted off from Cape Canaveral at dawn.", "launch", "happened"},
		{"Sunak resigned as prime minister on Thursday.", "resign", "happened"},
		// Cancelled and postponed.
		{"Modi cancelled his meeting with Albanese.", "meet", "cancelled"},
		{"The summit between Modi and Albanese was called off.", "meet", "cancelled"},
		{"SpaceX scrubbed the launch of the Europa probe because of winds.", "launch", "cancelled"},
		{"The rail strike was averted after a late deal with Amtrak.", "strike", "cancelled"},
		{"The vote on the bill was postponed until next week.", "vote", "postponed"},
		{"The launch was pushed back to Saturday.", "launch", "postponed"},
		{"The hearing of Senator Bob Ruiz was delayed by a day.", "testify", "postponed"},
		{"Modi will not attend the summit with Albanese.", "meet", "cancelled"},
		// Negated, conditional or a past plan: nothing.
		{"Modi did not meet Albanese.", "meet", "none"},
		{"It is unclear whether Modi will meet Albanese.", "meet", "none"},
		{"Modi planned to meet Albanese last week.", "meet", "none"},
		{"Modi refused to meet Albanese on Friday.", "meet", "none"},
		{"Will Modi meet Albanese on Friday?", "meet", "none"},
	}
	for _, tc := range tests {
		t.Run(tc.sentence, func(t *testing.T) {
			got, when := modeOf(tc.sentence, tc.class, friday)
			if got != tc.want {
				a := Analyze(story("Update", tc.sentence, friday))
				t.Errorf("got %s %s, want %s; events %+v outcomes %+v", got, when, tc.want, a.Events, a.Outcomes)
			}
		})
	}
}

func TestHeadlineCue(t *testing.T) {
	tests := []struct {
		title string
		class string
		want  string
	}{
		{"Macron to meet Scholz in Berlin on Monday", "meet", "anticipated"},
		{"Biden, Xi Set to Speak by Phone Thursday", "speak", "anticipated"},
		{"EU Vote on Tariffs Expected This Week", "vote", "anticipated"},
		{"Apple, Epic court decision Tuesday", "rule", "anticipated"},
		{"Macron Meets Scholz in Berlin", "meet", "happened"},
		{"Judge Approves Merger of Two Airlines", "vote", "happened"},
		{"Storm Helene Makes Landfall Near Tampa", "land", "happened"},
		{"Residents Told To Evacuate Before Storm Helene Makes Landfall", "land", "anticipated"},
		{"BIDEN TO SIGN CHIPS BILL ON FRIDAY", "sign", "anticipated"},
	}
	for _, tc := range tests {
		t.Run(tc.title, func(t *testing.T) {
			// A shouted headline finds its names in the body.
			body := ""
			if strings.ToUpper(tc.title) == tc.title {
				body = "President Joe Biden has backed the bill for months."
			}
			a := Analyze(&storyline.Story{Title: tc.title, Summary: body, Published: friday})
			got := "none"
			for _, o := range a.Outcomes {
				if o.Class == tc.class {
					got = string(o.Relation)
				}
			}
			for _, e := range a.Events {
				if e.Class == tc.class {
					got = "anticipated"
				}
			}
			for _, x := range a.ahead {
				if x.class == tc.class {
					got = "anticipated"
				}
			}
			if got != tc.want {
				t.Errorf("got %s, want %s; events %+v outcomes %+v", got, tc.want, a.Events, a.Outcomes)
			}
		})
	}
}

func TestActionClasses(t *testing.T) {
	tests := map[string][]string{
		"speak":    {"speak", "spoke", "talked", "phoned", "conversation", "discussed", "phone call", "telephone talks"},
		"meet":     {"meet", "met", "meeting", "summit", "talks", "visited", "face-to-face"},
		"vote":     {"voted", "passed", "approved", "rejected", "ratified", "referendum"},
		"sign":     {"signed", "signing"},
		"announce": {"announced", "unveiled", "released", "revealed", "news conference"},
		"launch":   {"launched", "liftoff", "lifted off", "blasted off"},
		"testify":  {"testified", "testimony", "hearing"},
		"rule":     {"ruled", "ruling", "verdict", "upheld", "decision", "overturned", "struck down"},
		"elect":    {"elected", "won", "election", "conclave"},
		"land":     {"landfall", "came ashore", "made landfall"},
		"strike":   {"strike", "walkout", "struck"},
		"resign":   {"resigned", "resignation", "stepped down", "quit"},
	}
	for class, forms := range tests {
		for _, f := range forms {
			st := &sentence{toks: tokenize("X " + f + " Y"), attrib: make([]bool, 3+strings.Count(f, " "))}
			ms := findMentions(st, 0)
			got := ""
			if len(ms) > 0 {
				got = ms[0].class
			}
			if got != class {
				t.Errorf("%q: class %q, want %q", f, got, class)
			}
		}
	}
	for _, notAction := range []string{"calls for", "ruled out", "a sign of", "struck a deal", "passed away", "press release"} {
		toks := tokenize("X " + notAction + " Y")
		st := &sentence{toks: toks, attrib: make([]bool, len(toks))}
		if ms := findMentions(st, 0); len(ms) > 0 {
			t.Errorf("%q: found %+v, want no action", notAction, ms)
		}
	}
}

func TestLemma(t *testing.T) {
	for w, want := range map[string]string{
		"spoke": "speak", "met": "meet", "held": "hold", "testified": "testify", "talks": "talks",
		"talked": "talk", "voting": "vote", "upheld": "uphold", "won": "win", "signs": "sign",
		"approves": "approve", "announcing": "announce", "struck": "strike", "resigned": "resign",
	} {
		if got := lemma(w); got != want {
			t.Errorf("lemma(%q) = %q, want %q", w, got, want)
		}
	}
}

func TestActors(t *testing.T) {
	tests := []struct {
		title, body string
		want        [][]string // actor keys of each event, sorted
	}{
		{ // titles and demonyms stripped; one actor however named
			"Biden to speak with Xi on Tuesday",
			"U.S. President Joe Biden will speak with Chinese President Xi Jinping on Tuesday, the White House said.",
			[][]string{{"biden", "xi"}},
		},
		{ // one subject, several partners: one event each
			"Update",
			"A spokesman said on Friday that Biden will speak with Xi on Saturday as well as Japanese Prime Minister Fumio Kishida and Indian Prime Minister Narendra Modi.",
			[][]string{{"biden", "xi"}, {"biden", "kishida"}, {"biden", "modi"}},
		},
		{ // an affiliation before a title is not an actor; a venue is secondary
			"Update",
			"Former CIA director Gina Haspel will testify before the House Intelligence Committee on Tuesday.",
			[][]string{{"haspel"}},
		},
		{ // countries stand for their leaders
			"Mexico's president will meet with Biden this month",
			"",
			[][]string{{"biden", "mexico"}},
		},
		{ // "they" takes the last pair named
			"Update",
			"On Monday, Macron and Scholz spoke by phone. They will meet later in the year.",
			[][]string{{"macron", "scholz"}},
		},
		{ // a holiday names a time, not an actor
			"Update",
			"Biden will sign the bill by Christmas, officials said.",
			[][]string{{"biden"}},
		},
		{ // a Title Case headline trusts names from the body only
			"Macron, Scholz Expected To Hold Crucial Summit Talks On Friday",
			"French President Emmanuel Macron and German Chancellor Olaf Scholz are expected to meet on Friday.",
			[][]string{{"macron", "scholz"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.title+"|"+tc.body, func(t *testing.T) {
			a := Analyze(story(tc.title, tc.body, friday))
			var got [][]string
			for _, e := range a.Events {
				ks := e.CoreKeys()
				sort.Strings(ks)
				got = append(got, ks)
			}
			for _, w := range tc.want {
				sort.Strings(w)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("event actors (-want +got):\n%s\nevents %+v", diff, a.Events)
			}
		})
	}
}
