package dedupe

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Fed's Plosser says taper pace may be too slow", []string{"fed", "plosser", "taper", "pace", "slow"}},
		{"Apple releases iOS 7.1 with CarPlay", []string{"appl", "releas", "io", "7.1", "carplay"}},
		{"AT&T wins; Peña Nieto cancels meeting", []string{"at&t", "win", "pena", "nieto", "cancel", "meet"}},
		{"The U.S. and the UK", []string{"u.s", "uk"}},
		{"", []string{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Words(tt.in)); diff != "" {
			t.Errorf("Words(%q) -want +got:\n%s", tt.in, diff)
		}
	}
}

func TestTerms(t *testing.T) {
	w := TermWeights{Title: 1, Summary: 0.5, Bigram: 0.5, Name: 2}
	got := w.Terms("Judge approves merger", "A federal judge ruled the merger can proceed.")
	want := map[string]float64{
		"judg": 1 + 0.5, "approv": 1, "merger": 1 + 0.5, // title, and summary where repeated
		"judg approv": 0.5, "approv merger": 0.5, // title bigrams
		"feder": 0.5, "rule": 0.5, "proceed": 0.5,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Terms -want +got:\n%s", diff)
	}
}

func TestTermsNames(t *testing.T) {
	w := TermWeights{Title: 1, Summary: 1, Bigram: 0, Name: 2}
	// Sentence case: a capitalised word inside the sentence is a name.
	got := w.Terms("", "Officials said Plosser spoke. Markets fell.")
	if got["plosser"] != 2 || got["offici"] != 1 || got["market"] != 1 {
		t.Errorf("sentence case: plosser=%v offici=%v market=%v, want 2, 1, 1 (sentence starts are not names)",
			got["plosser"], got["offici"], got["market"])
	}
	// Title Case: capitals carry no signal.
	got = w.Terms("Fed Official Says Plosser Sees Slower Taper", "")
	for term, weight := range got {
		if weight != 1 {
			t.Errorf("title case: %q weighs %v, want 1", term, weight)
		}
	}
}

func TestTFIDF(t *testing.T) {
	terms := map[string]float64{"rare": 1, "common": 1, "everywhere": 1}
	df := map[string]int64{"rare": 1, "common": 50, "everywhere": 100}
	v := TFIDF(terms, df, 100)
	if v["rare"] <= v["common"] {
		t.Errorf("rare term %v should outweigh common %v", v["rare"], v["common"])
	}
	var n float64
	for _, x := range v {
		n += x * x
	}
	if math.Abs(n-1) > 1e-9 {
		t.Errorf("|v|^2 = %v, want 1", n)
	}
	if len(TFIDF(map[string]float64{}, nil, 0)) != 0 {
		t.Error("empty terms give a non-empty vector")
	}
}

func TestCosine(t *testing.T) {
	v := Vector{"a": 0.6, "b": 0.8}
	if got := Cosine(v, []TermWeight{{Term: "a", Weight: 3}, {Term: "b", Weight: 4}}); math.Abs(got-1) > 1e-9 {
		t.Errorf("parallel: %v, want 1", got)
	}
	if got := Cosine(v, []TermWeight{{Term: "c", Weight: 1}}); got != 0 {
		t.Errorf("orthogonal: %v, want 0", got)
	}
	if got := Cosine(v, nil); got != 0 {
		t.Errorf("empty centroid: %v, want 0", got)
	}
}

func TestTokens(t *testing.T) {
	text := "AT&T's 7.1 update. O'Neill—U.S. (2014) done."
	var got []string
	for _, l := range tokens(text) {
		got = append(got, text[l[0]:l[1]])
	}
	want := []string{"AT&T's", "7.1", "update", "O'Neill", "U.S", "2014", "done"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tokens -want +got:\n%s", diff)
	}
}

func TestRarest(t *testing.T) {
	df := map[string]int64{"a": 5, "b": 2, "c": 1, "d": 9, "e": 2}
	if diff := cmp.Diff([]string{"b", "e", "a"}, rarest([]string{"a", "b", "c", "d", "e"}, df, 3)); diff != "" {
		t.Errorf("rarest -want +got:\n%s", diff)
	}
}

func TestAddToCentroid(t *testing.T) {
	c := addToCentroid(nil, Vector{"x": 0.8, "y": 0.6}, 10)
	c = addToCentroid(c, Vector{"x": 0.6, "z": 0.8}, 2)
	want := []TermWeight{{Term: "x", Weight: 1.4}, {Term: "z", Weight: 0.8}}
	if diff := cmp.Diff(want, c, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); diff != "" {
		t.Errorf("centroid -want +got:\n%s", diff)
	}
}

func TestConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	c := DefaultConfig()
	c.NearJaccard, c.HalfLife, c.Candidates = 1.5, 0, -1
	err := c.Validate()
	for _, want := range []string{"near_jaccard", "half_life", "candidates"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %s", err, want)
		}
	}
	if _, err := New(c, nil, time.Now); err == nil {
		t.Error("New accepted an invalid config")
	}
	if _, err := New(DefaultConfig(), nil, nil); err == nil {
		t.Error("New accepted a nil clock")
	}
}

func TestNear(t *testing.T) {
	cfg := DefaultConfig()
	tests := []struct {
		name string
		a, b [3]string // title, summary, source
		want bool
	}{
		{"same wire copy, retitled",
			[3]string{"Mexican president cancels meeting with Trump over wall", "Mexican President Enrique Pena Nieto canceled his meeting with President Donald Trump that had been set for Tuesday.", ""},
			[3]string{"Mexican President Nieto cancels meeting with Trump", "Mexican President Enrique Peña Nieto on Thursday canceled a meeting with President Donald Trump that had been set for Tuesday.", ""},
			true},
		{"outlet tail and wire slug only",
			[3]string{"UPDATE 1-Twitter crashes for second time in nine days", "The site was down for an hour.", ""},
			[3]string{"Twitter crashes for second time in nine days - Reuters", "The site was down for an hour.", "Reuters"},
			true},
		{"headlines alone",
			[3]string{"Twitter crashes for second time in nine days", "", ""},
			[3]string{"Twitter crashes for second time in nine days", "Twitter crashes for second time in nine days", ""},
			false},
		{"same words, different figure",
			[3]string{"Shares of Acme rise 3% after results", "The company beat forecasts.", ""},
			[3]string{"Shares of Acme rise 5% after results", "The company beat forecasts.", ""},
			false},
		{"same event, different copy",
			[3]string{"Hurricane makes landfall in the Keys", "The storm made landfall Sunday at Cudjoe Key as a Category 4 storm, forecasters said.", ""},
			[3]string{"Storm hits Florida", "Forecasters warned residents of the Keys to leave before the hurricane arrives later this week.", ""},
			false},
	}
	for _, tt := range tests {
		a := NewFingerprint(tt.a[0], tt.a[1], tt.a[2])
		b := NewFingerprint(tt.b[0], tt.b[1], tt.b[2])
		if got, j := cfg.Near(a, b); got != tt.want {
			t.Errorf("%s: Near = %v (Jaccard %.2f), want %v", tt.name, got, j, tt.want)
		}
	}
}

func TestNewFingerprintDropsRepeatedHeadline(t *testing.T) {
	a := NewFingerprint("Stocks fall on China data", "Stocks fall on China data", "")
	b := NewFingerprint("Stocks fall on China data", "", "")
	if a.Text != b.Text {
		t.Errorf("a summary repeating the title changed the text: %q vs %q", a.Text, b.Text)
	}
}
