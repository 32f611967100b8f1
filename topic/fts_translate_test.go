package topic_test

import (
	"testing"

	"github.com/storyline/storyline/topic"
)

func TestFTSTranslation(t *testing.T) {
	tests := []struct {
		query, want string
		exact       bool
	}{
		{`Trump`, `"trump"`, true},
		{`"White House"`, `"white house"`, true},
		{`sanction*`, `"sanction" *`, true},
		{`e-mail`, `("e mail" OR "email")`, true},
		{`anti-sanction*`, `("anti sanction" * OR "antisanction" *)`, true},
		{`title:putin`, `title : "putin"`, true},
		{`title:e-mail`, `(title : "e mail" OR title : "email")`, true},
		{`Müller café`, `("muller" AND "cafe")`, true},
		{`(Trump OR "White House") AND (Putin OR Kremlin)`, `(("trump" OR "white house") AND ("putin" OR "kremlin"))`, true},
		{`russia -sport -"world cup"`, `("russia" NOT ("sport" OR "world cup"))`, true},
		{`russia NOT (sport OR football)`, `("russia" NOT (("sport" OR "football")))`, true},
		// What the index cannot see is left to the matcher: wider, not exact.
		{`russia author:smith`, `"russia"`, false},
		{`russia feed:bbc*`, `"russia"`, false},
		{`russia /sanctions?/`, `"russia"`, false},
		{`russia -/sport/`, `"russia"`, false},
		{`russia -category:sport`, `"russia"`, false},
		// NOT of something inexact would remove real matches: dropped.
		{`russia -(sport /x/)`, `"russia"`, false},
		{`russia -(sport OR category:x)`, `"russia"`, false},
		// Nothing to narrow: the caller scans.
		{`/sanctions?/`, ``, false},
		{`-sport`, ``, false},
		{`NOT sport AND NOT football`, ``, false},
		{`russia OR /x/`, ``, false},
		{`feed:bbc`, ``, false},
		{`*`, ``, false},
		{`* -sport`, ``, false},
		{`* russia`, `"russia"`, false},
		{`(a OR b) NOT c OR d`, `((("a" OR "b") NOT ("c")) OR "d")`, true},
	}
	for _, tt := range tests {
		q, err := topic.Parse(tt.query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.query, err)
		}
		got, exact := q.FTS()
		if got != tt.want || exact != tt.exact {
			t.Errorf("FTS(%q) = %s, %v; want %s, %v", tt.query, got, exact, tt.want, tt.exact)
		}
	}
}
