package topic

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// dump prints a parsed query as an s-expression: words joined by _, a
// trailing * for a prefix, ~joined for the hyphen-free form.
func dump(n *node) string {
	switch n.kind {
	case nAnd, nOr, nNot:
		op := map[nodeKind]string{nAnd: "AND", nOr: "OR", nNot: "NOT"}[n.kind]
		parts := []string{op}
		for _, k := range n.kids {
			parts = append(parts, dump(k))
		}
		return "(" + strings.Join(parts, " ") + ")"
	case nRegex:
		return fieldPrefix(n.field) + "/" + strings.TrimPrefix(n.re.String(), "(?i)") + "/"
	case nFeed:
		return "feed:" + n.glob
	case nAll:
		return "*"
	}
	s := fieldPrefix(n.field) + strings.Join(n.words, "_")
	if n.prefix {
		s += "*"
	}
	if n.joined != "" {
		s += "~" + n.joined
		if n.prefix {
			s += "*"
		}
	}
	return s
}

func fieldPrefix(f Field) string {
	if f == FieldText {
		return ""
	}
	return f.String() + ":"
}

func TestParse(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{`trump`, `trump`},
		{`Trump`, `trump`},
		{`  TRUMP  `, `trump`},
		{`trump putin`, `(AND trump putin)`},
		{`trump AND putin`, `(AND trump putin)`},
		{`trump OR putin`, `(OR trump putin)`},
		{`a b OR c d`, `(OR (AND a b) (AND c d))`},
		{`a OR b c`, `(OR a (AND b c))`},
		{`a AND b AND c`, `(AND a b c)`},
		{`a OR b OR c`, `(OR a b c)`},
		{`(Trump OR "White House") AND (Putin OR Kremlin)`, `(AND (OR trump white_house) (OR putin kremlin))`},
		{`NOT sport`, `(NOT sport)`},
		{`-sport`, `(NOT sport)`},
		{`russia -sport -"world cup"`, `(AND russia (NOT sport) (NOT world_cup))`},
		{`russia NOT (sport OR football)`, `(AND russia (NOT (OR sport football)))`},
		{`NOT NOT a`, `(NOT (NOT a))`},
		{`-(a b)`, `(NOT (AND a b))`},
		{`"white house"`, `white_house`},
		{`"White  House!"`, `white_house`},
		{`"one"`, `one`},
		{`sanction*`, `sanction*`},
		{`e-mail`, `e_mail~email`},
		{`E-Mail`, `e_mail~email`},
		{`anti-sanction*`, `anti_sanction*~antisanction*`},
		{`e‐mail`, `e_mail~email`}, // U+2010 hyphen
		{`"e-mail"`, `e_mail`},     // a phrase keeps its parts only
		{`U.S.`, `u_s`},
		{`don't`, `don_t`},
		{`10:30`, `10_30`},
		{`9/11`, `9_11`},
		{`(e-mail)`, `e_mail~email`},
		{`Müller`, `muller`},
		{`Łódź`, `łodz`}, // ł has no decomposition: SQLite keeps it
		{`naïve café`, `(AND naive cafe)`},
		{`title:Putin`, `title:putin`},
		{`title: Putin`, `title:putin`},
		{`title:"white house"`, `title:white_house`},
		{`title:(trump OR biden) putin`, `(AND (OR title:trump title:biden) putin)`},
		{`title:(a -b)`, `(AND title:a (NOT title:b))`},
		{`author:smith`, `author:smith`},
		{`category:"world news"`, `category:world_news`},
		{`feed:reuters-*`, `feed:reuters-*`},
		{`feed:BBC`, `feed:bbc`},
		{`-feed:sport*`, `(NOT feed:sport*)`},
		{`/sanction(s|ed)?/`, `/sanction(s|ed)?/`},
		{`title:/^breaking/`, `title:/^breaking/`},
		{`/a\/b/`, `/a/b/`},
		{`"rock and roll"`, `rock_and_roll`},
		{`ANDROID ORACLE NOTHING`, `(AND android oracle nothing)`},
		{`a AND -b`, `(AND a (NOT b))`},
		{`(a)`, `a`},
		{`((a OR b))`, `(OR a b)`},
		{`*`, `*`},
		{`* -sport`, `(AND * (NOT sport))`},
	}
	for _, tt := range tests {
		q, err := Parse(tt.query)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.query, err)
			continue
		}
		if got := dump(q.root); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.query, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{``, `col 1: empty query`},
		{`   `, `col 1: empty query`},
		{`a)`, `col 2: unexpected ')' with no '(' before it`},
		{`(a OR b) c)`, `col 11: unexpected ')' with no '(' before it`},
		{`) a`, `col 1: unexpected ')'`},
		{"a \xff", `col 3: invalid UTF-8`},
		{`"white house`, `col 1: unterminated phrase: missing closing '"'`},
		{`trump "white house`, `col 7: unterminated phrase: missing closing '"'`},
		{`/sanction`, `col 1: unterminated regex: missing closing '/'`},
		{`a //`, `col 3: empty regex //`},
		{`/(a/`, "col 1: invalid regex: missing closing ): `(a`"},
		{`x /a**/`, "col 3: invalid regex: invalid nested repetition operator: `**`"},
		{`foo:bar`, `col 1: unknown field "foo:": fields are title:, feed:, author: and category: (quote the text to search for it)`},
		{`a http://x`, `col 3: unknown field "http:": fields are title:, feed:, author: and category: (quote the text to search for it)`},
		{`trump or putin`, `col 7: "or" is ambiguous: write OR for the operator or "or" to search for the word`},
		{`trump and putin`, `col 7: "and" is ambiguous: write AND for the operator or "and" to search for the word`},
		{`not sport`, `col 1: "not" is ambiguous: write NOT for the operator or "not" to search for the word`},
		{`a OR`, `col 5: expected a term after OR, found the end of the query`},
		{`(a OR) b`, `col 6: expected a term after OR, found ')'`},
		{`a AND OR b`, `col 7: expected a term after AND, found OR`},
		{`a AND`, `col 6: expected a term after AND, found the end of the query`},
		{`OR a`, `col 1: OR needs a term before it`},
		{`AND a`, `col 1: AND needs a term before it`},
		{`a NOT`, `col 6: expected a term after NOT, found the end of the query`},
		{`a -`, `col 4: expected a term after '-', found the end of the query`},
		{`a - b`, `col 3: '-' must be followed directly by the term it excludes, as in -word`},
		{`(-)`, `col 3: expected a term after '-', found ')'`},
		{`()`, `col 2: empty parentheses`},
		{`( OR a)`, `col 3: expected a term after '(', found OR`},
		{`(Trump OR "White House") AND (Putin OR Kremlin`, `col 47: expected ')' to close the '(' at col 30`},
		{`((a)`, `col 5: expected ')' to close the '(' at col 1`},
		{strings.Repeat("(", 60) + "a" + strings.Repeat(")", 60), `col 51: query nested more than 50 levels deep`},
		{strings.Repeat("-", 60) + "a", `col 51: query nested more than 50 levels deep`},
		{`title:(a author:b)`, `col 10: field author: inside title:(...) at col 1: a group has one field`},
		{`title:`, `col 7: expected a term after title:, found the end of the query`},
		{`title: OR a`, `col 8: expected a term after title:, found OR`},
		{`(title:)`, `col 8: expected a term after title:, found ')'`},
		{`feed:[`, `col 6: bad feed name or glob "["`},
		{`f*ck`, `col 2: '*' is only allowed at the end of a word`},
		{`sanc**`, `col 5: '*' is only allowed at the end of a word`},
		{`a*`, `col 1: a wildcard needs at least 2 letters before '*'`},
		{`**`, `col 1: '*' is only allowed at the end of a word`},
		{`title:*`, `col 7: '*' alone matches every story and takes no field`},
		{`a !!!`, `col 3: "!!!" has no letters or digits`},
		{`""`, `col 1: phrase "" has no letters or digits`},
		{`title:"?!"`, `col 7: phrase title:"?!" has no letters or digits`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.query)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error = %v, want %s", tt.query, err, tt.want)
			continue
		}
		if got := err.Error(); got != tt.want {
			t.Errorf("Parse(%q) error:\n got %s\nwant %s", tt.query, got, tt.want)
		}
	}
}

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{`sanction(s|ed)?\b`, []string{"sanction"}},
		{`Sanction`, []string{"sanction"}},
		{`^breaking:`, []string{"breaking:"}},
		{`U\.S\.`, []string{"u.s."}},
		{`(foo){2}bar`, []string{"foo"}},
		{`merkel|putin`, []string{"merkel", "putin"}},
		{`sanctions|sanctioned`, []string{"sanction"}}, // factored by the parser
		{`(merkel|putin) (said|says)`, []string{"merkel", "putin"}},
		{`foo|x*`, nil}, // a branch needs no literal
		{`x*`, nil},
		{`(ab)?cde`, []string{"cde"}},
		{`café`, nil}, // not ASCII: no shortcut
		{`\d+ killed`, []string{" killed"}},
		{`a|b|c`, nil}, // a character class
	}
	for _, tt := range tests {
		if got := requiredLiterals(tt.pattern); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("requiredLiterals(%q) = %q, want %q", tt.pattern, got, tt.want)
		}
	}
}

func TestLowerTwin(t *testing.T) {
	patterns := []struct {
		pattern string
		twin    bool
	}{
		{`sanction(s|ed)?\b`, true},
		{`^Breaking:`, true},
		{`U\.S\.`, true},
		{`[A-Z]{2,}`, true}, // folded: holds both cases
		{`\bNATO\b|\bOTAN\b`, true},
		{`[[:upper:]]+`, true},
		{`\p{Lu}\w+`, true},
		{`\d+ (killed|dead)`, true},
		{`(?-i)NATO`, false}, // case-sensitive letters
		{`(?-i)[A-Z]`, false},
		{`(?-i)123`, true}, // no letters: nothing to fold
		{`café`, false},    // non-ASCII literal
	}
	texts := []string{
		"BREAKING: U.S. sanctions on NATO allies", "Sanctioned firms; 12 killed, 3 DEAD",
		"breaking: us otan", "NATO nato Nato", "x123y", "ABC def GHi", "sanctionsed",
	}
	for _, p := range patterns {
		twin := lowerTwin(p.pattern)
		if (twin != nil) != p.twin {
			t.Errorf("lowerTwin(%q) = %v, want a twin: %v", p.pattern, twin, p.twin)
			continue
		}
		if twin == nil {
			continue
		}
		re := regexp.MustCompile("(?i)" + p.pattern)
		for _, text := range texts {
			lower, ascii := lowerASCII(text)
			if !ascii {
				t.Fatalf("%q is not ASCII", text)
			}
			want := re.FindAllStringIndex(text, -1)
			if got := twin.FindAllStringIndex(lower, -1); !reflect.DeepEqual(got, want) {
				t.Errorf("pattern %q on %q: twin %v, regex %v", p.pattern, text, got, want)
			}
		}
	}
}

func TestIndexFold(t *testing.T) {
	tests := []struct {
		s, lit string
		want   int
	}{
		{"Sanctions on Iran", "sanction", 0},
		{"new SANCTIONS", "sanction", 4},
		{"sanctity", "sanction", -1},
		{"", "a", -1},
		{"abc", "", 0},
		{"xxaXA", "xa", 1},
		{"u.s. and U.S.", "u.s.", 0},
		{"ab", "abc", -1},
	}
	for _, tt := range tests {
		if got := indexFold(tt.s, tt.lit); got != tt.want {
			t.Errorf("indexFold(%q, %q) = %d, want %d", tt.s, tt.lit, got, tt.want)
		}
	}
}
