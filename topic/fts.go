package topic

import "strings"

// FTS translates the query into an SQLite FTS5 MATCH expression over
// stories_fts (columns title, summary, content) that matches at least every
// story the query matches: a prefilter, whose candidates the live matcher
// then confirms. It returns "" when no such expression narrows the search
// (a query made only of regexes, feed:, author: or category: terms, or only
// of negations): the caller must then scan. exact reports that the
// expression matches exactly the stories the query matches.
//
// Words are already folded as the tokenizer folds them, so FTS5 sees the
// same words the matcher does; hyphenated words become ("e mail" OR
// "email"); word* becomes "word" *; NOT survives only where its operand is
// itself exact, since removing a superset would drop real matches.
func (q *Query) FTS() (expr string, exact bool) {
	f := fts(q.root)
	if f.all {
		return "", false
	}
	return f.expr, f.exact
}

type ftsExpr struct {
	expr  string
	all   bool // no restriction: every story is a candidate
	exact bool
}

func fts(n *node) ftsExpr {
	switch n.kind {
	case nWords:
		var col string
		switch n.field {
		case FieldText:
		case FieldTitle:
			col = "title : "
		default:
			return ftsExpr{all: true}
		}
		e := col + ftsPhrase(n.words, n.prefix)
		if n.joined != "" {
			e = "(" + e + " OR " + col + ftsPhrase([]string{n.joined}, n.prefix) + ")"
		}
		return ftsExpr{expr: e, exact: true}
	case nOr:
		parts := make([]string, 0, len(n.kids))
		exact := true
		for _, k := range n.kids {
			f := fts(k)
			if f.all {
				return ftsExpr{all: true}
			}
			parts = append(parts, f.expr)
			exact = exact && f.exact
		}
		return ftsExpr{expr: "(" + strings.Join(parts, " OR ") + ")", exact: exact}
	case nAnd:
		var pos, neg []string
		exact := true
		for _, k := range n.kids {
			if k.kind == nNot {
				f := fts(k.kids[0])
				if f.all || !f.exact {
					exact = false // dropped: the prefilter is wider
					continue
				}
				neg = append(neg, f.expr)
				continue
			}
			f := fts(k)
			if f.all {
				exact = false
				continue
			}
			pos = append(pos, f.expr)
			exact = exact && f.exact
		}
		if len(pos) == 0 {
			return ftsExpr{all: true}
		}
		e := pos[0]
		if len(pos) > 1 {
			e = "(" + strings.Join(pos, " AND ") + ")"
		}
		if len(neg) > 0 {
			e = "(" + e + " NOT (" + strings.Join(neg, " OR ") + "))"
		}
		return ftsExpr{expr: e, exact: exact}
	}
	// NOT alone, regex, feed: nothing an index can narrow.
	return ftsExpr{all: true}
}

// ftsPhrase quotes folded words as one FTS5 string ("a b"), a prefix when
// prefix is set ("a b" *). Folded words hold no quotes, but double any to
// stay safe.
func ftsPhrase(words []string, prefix bool) string {
	s := `"` + strings.ReplaceAll(strings.Join(words, " "), `"`, `""`) + `"`
	if prefix {
		s += " *"
	}
	return s
}
