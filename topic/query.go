package topic

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field is the part of a story a query leaf looks at.
type Field uint8

// Fields a query can name with a prefix ("title:"); FieldText is the default.
const (
	FieldText     Field = iota // title, summary and content
	FieldTitle                 // title:
	FieldFeed                  // feed: the names of the feeds that carried the story
	FieldAuthor                // author:
	FieldCategory              // category: any of the story's categories
)

var fieldNames = map[string]Field{"title": FieldTitle, "feed": FieldFeed, "author": FieldAuthor, "category": FieldCategory}

func (f Field) String() string {
	switch f {
	case FieldTitle:
		return "title"
	case FieldFeed:
		return "feed"
	case FieldAuthor:
		return "author"
	case FieldCategory:
		return "category"
	}
	return "text"
}

// SyntaxError is a problem in a query. Col is the 1-based column, counted in
// characters, of the query text.
type SyntaxError struct {
	Col int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("col %d: %s", e.Col, e.Msg) }

// maxDepth bounds nesting so that a hostile query cannot exhaust the stack.
const maxDepth = 50

type nodeKind uint8

const (
	nAnd nodeKind = iota
	nOr
	nNot
	nWords // one word, or adjacent words (a phrase)
	nRegex
	nFeed // a feed name or glob
	nAll  // * alone: every story
)

// node is the parsed form of a query.
type node struct {
	kind  nodeKind
	kids  []*node
	field Field
	col   int
	src   string // a leaf as written, for explanations

	// nWords: folded words that must be adjacent, in order; prefix makes
	// the last one a prefix. joined is the hyphen-free alternative of a
	// hyphenated word ("email" for e-mail), "" when there is none.
	words  []string
	prefix bool
	joined string

	re   *regexp.Regexp // nRegex
	lits []string       // nRegex: lowercase literals, one of which every match contains
	twin *regexp.Regexp // nRegex: re for lowercased ASCII text, or nil
	glob string         // nFeed: lowercased path.Match pattern
}

// has reports whether the tree holds a node of kind k.
func (n *node) has(k nodeKind) bool {
	if n.kind == k {
		return true
	}
	for _, kid := range n.kids {
		if kid.has(k) {
			return true
		}
	}
	return false
}

// Query is a parsed query.
type Query struct {
	text string
	root *node
}

// String returns the query as written.
func (q *Query) String() string { return q.text }

// Parse parses a query:
//
//	query   = or
//	or      = and { "OR" and }
//	and     = unary { ["AND"] unary }          (juxtaposition is AND)
//	unary   = "NOT" unary | "-" unary | primary
//	primary = [field ":"] ( word | word* | "phrase" | /regex/ | "(" or ")" ) | "*"
//
// A lone * matches every story (a topic for "everything but ...": * -sport).
// Operators are upper case; a lower-case and, or, not outside quotes is
// refused as ambiguous.
func Parse(query string) (*Query, error) {
	p := &parser{lx: lexer{src: query}}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, &SyntaxError{Col: 1, Msg: "empty query"}
	}
	root, err := p.parseOr(0, FieldText, nil)
	if err != nil {
		return nil, err
	}
	// parseOr stops only at the end or at a ')' it did not open.
	if p.tok.kind != tEOF {
		return nil, p.errorf("unexpected ')' with no '(' before it")
	}
	return &Query{text: query, root: root}, nil
}

// --- lexer ---

type tokKind uint8

const (
	tEOF tokKind = iota
	tWord
	tPhrase
	tRegex
	tField
	tLParen
	tRParen
	tMinus
	tAnd
	tOr
	tNot
)

type tok struct {
	kind tokKind
	text string // word, phrase body, regex body or field name
	col  int
}

func (t tok) describe() string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tWord:
		return fmt.Sprintf("word %q", t.text)
	case tPhrase:
		return "phrase"
	case tRegex:
		return "regex"
	case tField:
		return t.text + ":"
	case tLParen:
		return "'('"
	case tRParen:
		return "')'"
	case tMinus:
		return "'-'"
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	}
	return "NOT"
}

type lexer struct {
	src string
	i   int // byte offset
	col int // 1-based column of src[i]
}

func (lx *lexer) peek() (rune, int) {
	if lx.i >= len(lx.src) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(lx.src[lx.i:])
}

func (lx *lexer) advance(size int) {
	lx.i += size
	lx.col++
}

// wordEnd reports whether r ends a bare word.
func wordEnd(r rune) bool {
	return r < 0 || unicode.IsSpace(r) || r == '(' || r == ')' || r == '"'
}

func (lx *lexer) next() (tok, error) {
	if lx.col == 0 {
		lx.col = 1
	}
	for {
		r, size := lx.peek()
		if r < 0 || !unicode.IsSpace(r) {
			break
		}
		lx.advance(size)
	}
	col := lx.col
	r, size := lx.peek()
	switch {
	case r < 0:
		return tok{kind: tEOF, col: col}, nil
	case r == utf8.RuneError && size == 1:
		return tok{}, &SyntaxError{Col: col, Msg: "invalid UTF-8"}
	case r == '(':
		lx.advance(size)
		return tok{kind: tLParen, col: col}, nil
	case r == ')':
		lx.advance(size)
		return tok{kind: tRParen, col: col}, nil
	case r == '-':
		lx.advance(size)
		if r2, _ := lx.peek(); r2 >= 0 && unicode.IsSpace(r2) {
			return tok{}, &SyntaxError{Col: col, Msg: "'-' must be followed directly by the term it excludes, as in -word"}
		}
		return tok{kind: tMinus, col: col}, nil
	case r == '"':
		lx.advance(size)
		start := lx.i
		for {
			r, size := lx.peek()
			if r < 0 {
				return tok{}, &SyntaxError{Col: col, Msg: `unterminated phrase: missing closing '"'`}
			}
			if r == '"' {
				body := lx.src[start:lx.i]
				lx.advance(size)
				return tok{kind: tPhrase, text: body, col: col}, nil
			}
			lx.advance(size)
		}
	case r == '/':
		lx.advance(size)
		var body strings.Builder
		for {
			r, size := lx.peek()
			if r < 0 {
				return tok{}, &SyntaxError{Col: col, Msg: "unterminated regex: missing closing '/'"}
			}
			lx.advance(size)
			if r == '/' {
				return tok{kind: tRegex, text: body.String(), col: col}, nil
			}
			if r == '\\' {
				// \/ is a slash inside the regex; other escapes go to regexp.
				if r2, size2 := lx.peek(); r2 == '/' {
					lx.advance(size2)
					body.WriteRune('/')
					continue
				}
			}
			body.WriteRune(r)
		}
	}
	start := lx.i
	for {
		r, size := lx.peek()
		if wordEnd(r) {
			break
		}
		if r == ':' {
			// A field prefix is letters then ':'; any other colon is
			// punctuation inside a word (10:30).
			name := lx.src[start:lx.i]
			if name != "" && isLetters(name) {
				lx.advance(size)
				if _, ok := fieldNames[name]; !ok {
					return tok{}, &SyntaxError{Col: col, Msg: fmt.Sprintf(
						"unknown field %q: fields are title:, feed:, author: and category: (quote the text to search for it)", name+":")}
				}
				return tok{kind: tField, text: name, col: col}, nil
			}
		}
		lx.advance(size)
	}
	w := lx.src[start:lx.i]
	switch w {
	case "AND":
		return tok{kind: tAnd, col: col}, nil
	case "OR":
		return tok{kind: tOr, col: col}, nil
	case "NOT":
		return tok{kind: tNot, col: col}, nil
	case "and", "or", "not", "And", "Or", "Not":
		return tok{}, &SyntaxError{Col: col, Msg: fmt.Sprintf(
			"%q is ambiguous: write %s for the operator or \"%s\" to search for the word", w, strings.ToUpper(w), w)}
	}
	return tok{kind: tWord, text: w, col: col}, nil
}

func isLetters(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// --- parser ---

type parser struct {
	lx  lexer
	tok tok
}

func (p *parser) next() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Col: p.tok.col, Msg: fmt.Sprintf(format, args...)}
}

// startsTerm reports whether the current token can begin an operand.
func (p *parser) startsTerm() bool {
	switch p.tok.kind {
	case tWord, tPhrase, tRegex, tField, tLParen, tMinus, tNot:
		return true
	}
	return false
}

// group is the field prefix applied to a parenthesised group, if any.
type group struct {
	field Field
	col   int
}

func (p *parser) parseOr(depth int, field Field, g *group) (*node, error) {
	left, err := p.parseAnd(depth, field, g)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tOr {
		if err := p.next(); err != nil {
			return nil, err
		}
		if !p.startsTerm() {
			return nil, p.missing("OR")
		}
		right, err := p.parseAnd(depth, field, g)
		if err != nil {
			return nil, err
		}
		left = join(nOr, left, right)
	}
	return left, nil
}

func (p *parser) parseAnd(depth int, field Field, g *group) (*node, error) {
	left, err := p.parseUnary(depth, field, g)
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.tok.kind == tAnd:
			if err := p.next(); err != nil {
				return nil, err
			}
			if !p.startsTerm() {
				return nil, p.missing("AND")
			}
		case p.startsTerm():
			// juxtaposition: implicit AND
		default:
			return left, nil
		}
		right, err := p.parseUnary(depth, field, g)
		if err != nil {
			return nil, err
		}
		left = join(nAnd, left, right)
	}
}

// missing reports an operator with nothing usable after it.
func (p *parser) missing(op string) error {
	if p.tok.kind == tEOF {
		return p.errorf("expected a term after %s, found the end of the query", op)
	}
	return p.errorf("expected a term after %s, found %s", op, p.tok.describe())
}

// join flattens chains of the same operator: a AND b AND c is one node.
func join(kind nodeKind, left, right *node) *node {
	if left.kind == kind {
		left.kids = append(left.kids, right)
		return left
	}
	return &node{kind: kind, kids: []*node{left, right}, col: left.col}
}

func (p *parser) parseUnary(depth int, field Field, g *group) (*node, error) {
	if p.tok.kind != tNot && p.tok.kind != tMinus {
		return p.parsePrimary(depth, field, g)
	}
	op, col := "NOT", p.tok.col
	if p.tok.kind == tMinus {
		op = "'-'"
	}
	if depth >= maxDepth {
		return nil, p.errorf("query nested more than %d levels deep", maxDepth)
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	if !p.startsTerm() {
		return nil, p.missing(op)
	}
	kid, err := p.parseUnary(depth+1, field, g)
	if err != nil {
		return nil, err
	}
	return &node{kind: nNot, kids: []*node{kid}, col: col}, nil
}

func (p *parser) parsePrimary(depth int, field Field, g *group) (*node, error) {
	if p.tok.kind == tField {
		name, col := p.tok.text, p.tok.col
		if g != nil {
			return nil, p.errorf("field %s: inside %s:(...) at col %d: a group has one field", name, g.field, g.col)
		}
		field = fieldNames[name]
		if err := p.next(); err != nil {
			return nil, err
		}
		switch p.tok.kind {
		case tWord, tPhrase, tRegex:
		case tLParen:
			g = &group{field: field, col: col}
		case tEOF:
			return nil, p.errorf("expected a term after %s:, found the end of the query", name)
		default:
			return nil, p.errorf("expected a term after %s:, found %s", name, p.tok.describe())
		}
	}
	t := p.tok
	switch t.kind {
	case tLParen:
		if depth >= maxDepth {
			return nil, p.errorf("query nested more than %d levels deep", maxDepth)
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind == tRParen {
			return nil, p.errorf("empty parentheses")
		}
		if !p.startsTerm() {
			return nil, p.missing("'('")
		}
		n, err := p.parseOr(depth+1, field, g)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen { // the end of the query
			return nil, p.errorf("expected ')' to close the '(' at col %d", t.col)
		}
		return n, p.next()
	case tWord, tPhrase, tRegex:
		n, err := leaf(t, field)
		if err != nil {
			return nil, err
		}
		return n, p.next()
	case tAnd, tOr:
		return nil, p.errorf("%s needs a term before it", t.describe())
	}
	// Callers check startsTerm first, so only a leading ')' gets here.
	return nil, p.errorf("unexpected %s", t.describe())
}

// hyphens are the characters whose removal joins the parts of a word
// (e-mail ~ email).
const hyphens = "-\u2010\u2011"

// leaf builds a word, phrase or regex node in field.
func leaf(t tok, field Field) (*node, error) {
	n := &node{field: field, col: t.col}
	switch t.kind {
	case tRegex:
		n.src = "/" + t.text + "/"
		if t.text == "" {
			return nil, &SyntaxError{Col: t.col, Msg: "empty regex //"}
		}
		// Check the pattern as written so that the message quotes the
		// user's text, then make it case-insensitive.
		if _, err := syntax.Parse(t.text, syntax.Perl); err != nil {
			msg := err.Error()
			var se *syntax.Error
			if errors.As(err, &se) {
				msg = se.Code.String() + ": `" + se.Expr + "`"
			}
			return nil, &SyntaxError{Col: t.col, Msg: "invalid regex: " + msg}
		}
		re, err := regexp.Compile("(?i)" + t.text)
		if err != nil {
			return nil, &SyntaxError{Col: t.col, Msg: "invalid regex: " + err.Error()}
		}
		n.kind, n.re, n.lits, n.twin = nRegex, re, requiredLiterals(t.text), lowerTwin(t.text)
		return n, nil
	case tPhrase:
		n.src = `"` + t.text + `"`
	default:
		n.src = t.text
	}
	if field == FieldFeed {
		// Feed names are matched whole, case-insensitively, with glob
		// characters (*, ?, [...]) as in the topic's feeds option.
		n.kind, n.glob = nFeed, strings.ToLower(t.text)
		if _, err := path.Match(n.glob, ""); err != nil || n.glob == "" {
			return nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("bad feed name or glob %q", t.text)}
		}
		n.src = "feed:" + n.src
		return n, nil
	}
	if field != FieldText {
		n.src = field.String() + ":" + n.src
	}
	if t.kind == tWord && t.text == "*" {
		if field != FieldText {
			return nil, &SyntaxError{Col: t.col, Msg: "'*' alone matches every story and takes no field"}
		}
		n.kind = nAll
		return n, nil
	}
	n.kind = nWords
	text := t.text
	if t.kind == tWord {
		if i := strings.IndexByte(text, '*'); i >= 0 {
			if i != len(text)-1 {
				return nil, &SyntaxError{Col: t.col + utf8.RuneCountInString(text[:i]), Msg: "'*' is only allowed at the end of a word"}
			}
			text, n.prefix = text[:i], true
		}
	}
	n.words = words(text)
	if len(n.words) == 0 {
		if t.kind == tPhrase {
			return nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("phrase %s has no letters or digits", n.src)}
		}
		return nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("%q has no letters or digits", t.text)}
	}
	if n.prefix && utf8.RuneCountInString(n.words[len(n.words)-1]) < 2 { // also "u.s*": pair16 needs 2 bytes
		return nil, &SyntaxError{Col: t.col, Msg: "a wildcard needs at least 2 letters before '*'"}
	}
	if t.kind == tWord && len(n.words) > 1 && onlyHyphens(text) {
		n.joined = strings.Join(n.words, "")
	}
	return n, nil
}

// onlyHyphens reports whether every separator between the first and the last
// word character of w is a hyphen, so that its parts may also be written
// together. Punctuation around the word ("(e-mail),") does not count.
func onlyHyphens(w string) bool {
	first := strings.IndexFunc(w, func(r rune) bool { return !isSep(r) })
	last := strings.LastIndexFunc(w, func(r rune) bool { return !isSep(r) })
	if first < 0 {
		return false
	}
	for _, r := range w[first:last] {
		if isSep(r) && !strings.ContainsRune(hyphens, r) {
			return false
		}
	}
	return true
}
