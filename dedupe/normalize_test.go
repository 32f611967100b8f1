package dedupe

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World!", "hello world"},
		{"  Peña Nieto  cancels  ", "pena nieto cancels"},
		{"ＡＢＣ ｎｅｗｓ", "abc news"},                 // full-width forms (NFKC)
		{"ﬁnal ofﬁce", "final office"},           // ligatures (NFKC)
		{"AT&T-Time Warner", "at t time warner"}, // punctuation is a boundary
		{"Growth of 6.2%", "growth of 6 2"},      // so are decimal points
		{"Zoë’s café — “quoted”", "zoe s cafe quoted"},
		{"", ""},
		{"...", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanTitle(t *testing.T) {
	tests := []struct{ title, source, want string }{
		{"UPDATE 2-Snowden: Proposed NSA reforms vindicate my leaks", "", "Snowden: Proposed NSA reforms vindicate my leaks"},
		{"GLOBAL MARKETS-World stocks dip after weak China data", "", "World stocks dip after weak China data"},
		{"CORRECTED-Men's Wearhouse seals $1.8 billion deal", "", "Men's Wearhouse seals $1.8 billion deal"},
		{"UPDATE 1-'Favorable terms' for muni issuers", "", "'Favorable terms' for muni issuers"},
		{"VIDEO: Sandberg: I'm Not Running for Office", "", "Sandberg: I'm Not Running for Office"},
		{"Quake hits coast (AP)", "", "Quake hits coast"},
		{"SEC asks bond sellers to report breach (2)", "", "SEC asks bond sellers to report breach"},
		{"Colorado collects $2M in pot taxes - WBOC-TV 16, Delmarva", "", "Colorado collects $2M in pot taxes"},
		{"Stocks slide on weak China data | Reuters", "", "Stocks slide on weak China data"},
		{"Stocks slide on weak China data - The Daily Planet", "Daily Planet", "Stocks slide on weak China data"},
		{"Fed official hints at faster tapering ...", "", "Fed official hints at faster tapering"},
		{"Hedge Fund SAC Capital Renames Itself -- 3rd Update", "", "Hedge Fund SAC Capital Renames Itself"},
		{"Bitcoin exchange files for bankruptcy (3) …", "", "Bitcoin exchange files for bankruptcy"},
		{"Apple posts software update", "", "Apple posts software update"},
		{"Census counts (2014)", "", "Census counts (2014)"},
		// Kept: hyphenated names, a lower-case tail, a short head.
		{"US-China trade talks resume", "", "US-China trade talks resume"},
		{"AT&T-Time Warner deal approved", "", "AT&T-Time Warner deal approved"},
		{"NATO-Russia council to meet", "", "NATO-Russia council to meet"},
		{"ECB unlikely to end sterilisation - traders", "", "ECB unlikely to end sterilisation - traders"},
		{"Taylor Swift - Named Top Earner", "", "Taylor Swift - Named Top Earner"},
		{"Brent slides towards $108 - five things to know", "", "Brent slides towards $108 - five things to know"},
		{"COVID-19 cases rise again", "", "COVID-19 cases rise again"},
	}
	for _, tt := range tests {
		if got := CleanTitle(tt.title, tt.source); got != tt.want {
			t.Errorf("CleanTitle(%q, %q) = %q, want %q", tt.title, tt.source, got, tt.want)
		}
	}
}

func TestCleanSummary(t *testing.T) {
	tests := []struct{ in, want string }{
		{"WASHINGTON (Reuters) - The Senate voted on Monday.", "The Senate voted on Monday."},
		{"NEW YORK — Stocks rose.", "Stocks rose."},
		{"Stocks rose (AP) on Monday...", "Stocks rose on Monday"},
		{"The US Senate voted.", "The US Senate voted."},
	}
	for _, tt := range tests {
		if got := CleanSummary(tt.in); got != tt.want {
			t.Errorf("CleanSummary(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"rises 3% to $1,800 at 9:10 a.m.", []string{"3", "1800", "9:10"}},
		{"grew 6.2 percent, then 6.2 again", []string{"6.2"}},
		{"Ｑ３ profit", []string{"3"}},
		{"no figures here", []string{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Numbers(tt.in), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Numbers(%q) -want +got:\n%s", tt.in, diff)
		}
	}
}

func TestNumbersClash(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Shares rise 3% on results", "Shares rise 5% on results", true},
		{"Toll rises to 12", "Toll rises to 12", false},
		{"Storm with winds of 130 mph", "Storm made landfall at 9:10 with winds of 130 mph", false}, // an added detail
		{"Deal worth $1.8 billion", "Deal agreed", false},
		{"Markets as it happened - March 11, 2014", "Markets as it happened - March 10, 2014", true},
	}
	for _, tt := range tests {
		if got := NumbersClash(tt.a, tt.b); got != tt.want {
			t.Errorf("NumbersClash(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := NumbersClash(tt.b, tt.a); got != tt.want {
			t.Errorf("NumbersClash is not symmetric for %q, %q", tt.a, tt.b)
		}
	}
}
