package topic

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/storyline/storyline"
)

// Part is the part of a story a hit was found in.
type Part uint8

// Parts of a story, in the order explanations list them.
const (
	PartTitle Part = iota
	PartSummary
	PartContent
	PartAuthor
	PartCategory
	PartFeed
)

func (p Part) String() string {
	return [...]string{"title", "summary", "content", "author", "category", "feed"}[p]
}

// partMask is a set of Parts.
type partMask uint8

const textParts = 1<<PartTitle | 1<<PartSummary | 1<<PartContent

func fieldParts(f Field) partMask {
	switch f {
	case FieldTitle:
		return 1 << PartTitle
	case FieldAuthor:
		return 1 << PartAuthor
	case FieldCategory:
		return 1 << PartCategory
	case FieldFeed:
		return 1 << PartFeed
	}
	return textParts
}

// Set is the compiled form of a list of topics, built once per config
// (a reload builds a new one). The words of every query share one
// vocabulary, so a story is tokenized once however many topics there are.
// A Set is immutable and safe for concurrent use.
type Set struct {
	topics []*Topic
	progs  []cnode // one per topic
	order  []int   // topic indexes, highest priority first, then config order

	vocab  map[string]int32 // whole words
	prefix map[string]int32 // word* prefixes
	// Bit filters spare most text words a map lookup: by a hash of the
	// whole word, and by the first two bytes for prefixes.
	wordBits   [1 << 10]uint64
	prefixBits [1 << 10]uint64
	plens      []int // the distinct byte lengths of prefix keys, ascending
	nids       int
	parts      partMask // the parts some query looks at

	pool sync.Pool // *doc scratch
}

// cnode is a query node compiled against a Set's vocabulary.
type cnode struct {
	kind   nodeKind
	kids   []cnode
	n      *node
	parts  partMask
	ids    []int32 // nWords: the id of each word (the last may be a prefix)
	joined int32   // nWords: the id of the hyphen-joined form, -1 if none
	order  []int   // AND, OR: kids cheapest first, for evaluation
	cost   int
}

// Relative evaluation costs: word lookups are cheap, regexes are not.
const (
	costWords = 1
	costFeed  = 2
	costRegex = 20
)

// NewSet compiles topics into a Set.
func NewSet(topics ...*Topic) *Set {
	s := &Set{
		topics: topics,
		vocab:  map[string]int32{},
		prefix: map[string]int32{},
	}
	for i, t := range topics {
		s.progs = append(s.progs, s.compile(t.Query.root))
		s.order = append(s.order, i)
	}
	sort.SliceStable(s.order, func(a, b int) bool {
		return topics[s.order[a]].Priority > topics[s.order[b]].Priority
	})
	sort.Ints(s.plens)
	return s
}

// NeedsSources reports whether some topic has a min_sources above 1: only
// then does Match need an outlet count, and a story that gains an outlet
// (another feed, a near-duplicate) need matching again.
func (s *Set) NeedsSources() bool {
	for _, t := range s.topics {
		if t.MinSources > 1 {
			return true
		}
	}
	return false
}

// Topics returns the topics of the set, in the order given to NewSet.
func (s *Set) Topics() []*Topic { return s.topics }

// Topic returns the topic called name, or nil.
func (s *Set) Topic(name string) *Topic {
	for _, t := range s.topics {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func (s *Set) compile(n *node) cnode {
	c := cnode{kind: n.kind, n: n, parts: fieldParts(n.field), joined: -1}
	switch n.kind {
	case nAnd, nOr, nNot:
		for i, k := range n.kids {
			c.kids = append(c.kids, s.compile(k))
			c.order = append(c.order, i)
			c.cost += c.kids[i].cost
		}
		// Evaluate cheap kids first so that a failing word spares a regex.
		sort.SliceStable(c.order, func(a, b int) bool { return c.kids[c.order[a]].cost < c.kids[c.order[b]].cost })
	case nRegex:
		c.cost = costRegex
	case nFeed:
		c.cost = costFeed
	case nWords:
		c.cost = costWords
		for i, w := range n.words {
			c.ids = append(c.ids, s.id(w, n.prefix && i == len(n.words)-1))
		}
		if n.joined != "" {
			c.joined = s.id(n.joined, n.prefix)
		}
	}
	if n.kind != nAnd && n.kind != nOr && n.kind != nNot {
		s.parts |= c.parts
	}
	return c
}

func (s *Set) id(word string, prefix bool) int32 {
	m := s.vocab
	if prefix {
		m = s.prefix
	}
	if id, ok := m[word]; ok {
		return id
	}
	id := int32(s.nids)
	s.nids++
	m[word] = id
	if !prefix {
		setBit(&s.wordBits, hash16([]byte(word)))
	} else {
		setBit(&s.prefixBits, pair16([]byte(word)))
	}
	if prefix {
		l := len(word)
		if i := sort.SearchInts(s.plens, l); i == len(s.plens) || s.plens[i] != l {
			s.plens = append(s.plens, l)
			sort.Ints(s.plens)
		}
	}
	return id
}

// occ is one occurrence of a vocabulary entry in a story. Occurrences of
// the same entry are chained through next (an index into doc.occs; 0 ends).
type occ struct {
	next       int32
	pos        int32 // word position within its part
	start, end int32 // byte offsets in the part's text
	part       Part
	sub        uint16 // which category
}

// doc is a story indexed against a Set's vocabulary.
type doc struct {
	st      *storyline.Story
	head    []int32 // per vocabulary id: first occurrence, 0 for none
	occs    []occ
	touched []int32
	tz      tokenizer
	lower   [PartCategory]string // lowerASCII of each part, for regexes
	ascii   [PartCategory]bool
	lowered [PartCategory]bool
}

// regexFor returns the regex to run for n over text (part p) and the text
// to run it on: the lowercase twin over the lowercased text when text is
// ASCII, else the case-insensitive regex over text itself. ok is false
// when text cannot match (it lacks the regex's literals).
func (d *doc) regexFor(n *node, p Part, text string) (re *regexp.Regexp, on string, ok bool) {
	if n.lits == nil && n.twin == nil {
		return n.re, text, true
	}
	// Most texts lack the literals: look for them without lowering the
	// text, which only pays when the regex is to run.
	if n.lits != nil && isASCII(text) && !containsAnyFold(text, n.lits) {
		return nil, "", false
	}
	var lower string
	var ascii bool
	if p < PartCategory {
		if !d.lowered[p] {
			d.lower[p], d.ascii[p] = lowerASCII(text)
			d.lowered[p] = true
		}
		lower, ascii = d.lower[p], d.ascii[p]
	} else {
		lower, ascii = lowerASCII(text)
	}
	if n.lits != nil && !containsAny(lower, n.lits) {
		return nil, "", false
	}
	if ascii && n.twin != nil {
		return n.twin, lower, true
	}
	return n.re, text, true
}

func (s *Set) getDoc(st *storyline.Story) *doc {
	d, _ := s.pool.Get().(*doc)
	if d == nil {
		d = &doc{head: make([]int32, s.nids), occs: make([]occ, 1, 64)}
	}
	d.st = st
	if s.nids > 0 {
		for _, p := range []struct {
			part Part
			text string
		}{{PartTitle, st.Title}, {PartSummary, st.Summary}, {PartContent, st.Content}, {PartAuthor, st.Author}} {
			if s.parts&(1<<p.part) != 0 {
				s.index(d, p.part, 0, 0, p.text)
			}
		}
		if s.parts&(1<<PartCategory) != 0 {
			base := 0
			for i, c := range st.Categories {
				// The gap keeps a phrase from running across two categories.
				base += s.index(d, PartCategory, uint16(i), base, c) + 1
			}
		}
	}
	return d
}

func (s *Set) putDoc(d *doc) {
	for _, id := range d.touched {
		d.head[id] = 0
	}
	d.touched = d.touched[:0]
	d.occs = d.occs[:1]
	d.st = nil
	d.lower, d.lowered = [PartCategory]string{}, [PartCategory]bool{}
	s.pool.Put(d)
}

// index records the vocabulary words of text and returns its word count.
func (s *Set) index(d *doc, part Part, sub uint16, base int, text string) int {
	return d.tz.each(text, func(pos int, t token) {
		if hasBit(&s.wordBits, fold16(t.hash)) {
			if id, ok := s.vocab[string(t.word)]; ok {
				d.add(id, occ{pos: int32(base + pos), start: int32(t.start), end: int32(t.end), part: part, sub: sub})
			}
		}
		if len(s.plens) == 0 || len(t.word) < 2 || !hasBit(&s.prefixBits, pair16(t.word)) {
			return
		}
		for _, l := range s.plens {
			if l > len(t.word) {
				break
			}
			if id, ok := s.prefix[string(t.word[:l])]; ok {
				d.add(id, occ{pos: int32(base + pos), start: int32(t.start), end: int32(t.end), part: part, sub: sub})
			}
		}
	})
}

func (d *doc) add(id int32, o occ) {
	o.next = d.head[id]
	if o.next == 0 {
		d.touched = append(d.touched, id)
	}
	d.occs = append(d.occs, o)
	d.head[id] = int32(len(d.occs) - 1)
}

// Match returns the topics st matches, highest priority first. sources is
// the number of outlets that carried the story (feeds, plus near-duplicates
// from other feeds); 0 counts st.Feeds. Topics whose feeds option leaves
// out every feed of the story, or whose min_sources is above sources, do not
// match.
func (s *Set) Match(st *storyline.Story, sources int) []storyline.TopicHit {
	d := s.getDoc(st)
	defer s.putDoc(d)
	n := sourceCount(st, sources)
	var feeds []string
	var hits []storyline.TopicHit
	for _, i := range s.order {
		t := s.topics[i]
		if n < t.MinSources || !s.eval(&s.progs[i], d) {
			continue
		}
		if feeds == nil {
			feeds = storyFeeds(st)
		}
		if !t.InScope(feeds) {
			continue
		}
		hits = append(hits, storyline.TopicHit{Topic: t.Name, Priority: t.Priority, Why: s.why(i, d, n)})
	}
	return hits
}

func (s *Set) eval(c *cnode, d *doc) bool {
	switch c.kind {
	case nAnd:
		for _, i := range c.order {
			if !s.eval(&c.kids[i], d) {
				return false
			}
		}
		return true
	case nOr:
		for _, i := range c.order {
			if s.eval(&c.kids[i], d) {
				return true
			}
		}
		return false
	case nNot:
		return !s.eval(&c.kids[0], d)
	case nWords:
		found := false
		d.eachWords(c, func(occ, occ) bool { found = true; return false })
		return found
	case nRegex:
		found := false
		eachText(d.st, c.parts, func(p Part, _ int, text string) bool {
			re, on, ok := d.regexFor(c.n, p, text)
			found = ok && re.MatchString(on)
			return !found
		})
		return found
	case nFeed:
		return feedHit(c.n.glob, storyFeeds(d.st)) != ""
	case nAll:
		return true
	}
	return false
}

// eachWords calls fn with the first and last occurrence of every match of
// a word or phrase leaf, until fn returns false.
func (d *doc) eachWords(c *cnode, fn func(first, last occ) bool) {
	for i := d.head[c.ids[0]]; i != 0; i = d.occs[i].next {
		o := d.occs[i]
		if c.parts&(1<<o.part) == 0 {
			continue
		}
		last, ok := o, true
		for k := 1; k < len(c.ids) && ok; k++ {
			last, ok = d.at(c.ids[k], o.part, o.pos+int32(k))
		}
		if ok && !fn(o, last) {
			return
		}
	}
	if c.joined < 0 {
		return
	}
	for i := d.head[c.joined]; i != 0; i = d.occs[i].next {
		if o := d.occs[i]; c.parts&(1<<o.part) != 0 && !fn(o, o) {
			return
		}
	}
}

// at finds the occurrence of id at pos in part.
func (d *doc) at(id int32, part Part, pos int32) (occ, bool) {
	for i := d.head[id]; i != 0; i = d.occs[i].next {
		if o := d.occs[i]; o.pos == pos && o.part == part {
			return o, true
		}
	}
	return occ{}, false
}

// eachText calls fn with every text of st among parts, until fn returns
// false.
func eachText(st *storyline.Story, parts partMask, fn func(p Part, sub int, text string) bool) {
	for _, p := range []struct {
		part Part
		text string
	}{{PartTitle, st.Title}, {PartSummary, st.Summary}, {PartContent, st.Content}, {PartAuthor, st.Author}} {
		if parts&(1<<p.part) != 0 && p.text != "" && !fn(p.part, 0, p.text) {
			return
		}
	}
	if parts&(1<<PartCategory) != 0 {
		for i, c := range st.Categories {
			if !fn(PartCategory, i, c) {
				return
			}
		}
	}
}

// feedHit returns the first feed that glob matches, case-insensitively.
func feedHit(glob string, feeds []string) string {
	for _, f := range feeds {
		if ok, _ := path.Match(glob, strings.ToLower(f)); ok {
			return f
		}
	}
	return ""
}

// TermHit is one query term that hit, and where.
type TermHit struct {
	Term  string   // as written in the query
	Where []string // parts ("title", "summary", ...), or "feed NAME"
}

func (h TermHit) String() string { return h.Term + " (" + strings.Join(h.Where, ", ") + ")" }

// Span is the place of a hit in a part of the story: bytes [Start, End) of
// the title, summary, content or author, or of category number Index.
type Span struct {
	Part       Part
	Index      int
	Start, End int
}

// Explanation says why a topic's query matched a story.
type Explanation struct {
	Terms []TermHit
	Spans []Span // in no particular order; see Highlight
}

// Why is the one-line form recorded with a hit.
func (e Explanation) Why() string {
	parts := make([]string, len(e.Terms))
	for i, t := range e.Terms {
		parts[i] = t.String()
	}
	return strings.Join(parts, "; ")
}

// Explain reports the terms of the query that hit st and where. Only terms
// that made the query true are listed: not those under NOT, nor those of an
// OR branch or AND group that failed. It is empty when the query does not
// match.
func (t *Topic) Explain(st *storyline.Story) Explanation {
	s := t.set()
	d := s.getDoc(st)
	defer s.putDoc(d)
	var e Explanation
	if s.eval(&s.progs[0], d) {
		s.explain(&s.progs[0], d, &e, true)
	}
	return e
}

func (s *Set) why(i int, d *doc, sources int) string {
	var e Explanation
	s.explain(&s.progs[i], d, &e, false)
	w := e.Why()
	if t := s.topics[i]; t.MinSources > 1 {
		w += fmt.Sprintf("; %d sources", sources)
	}
	return w
}

// explain collects the leaves of the true node c into e.
func (s *Set) explain(c *cnode, d *doc, e *Explanation, spans bool) {
	switch c.kind {
	case nAnd: // true, so every kid is
		for i := range c.kids {
			s.explain(&c.kids[i], d, e, spans)
		}
		return
	case nOr:
		for i := range c.kids {
			if k := &c.kids[i]; s.eval(k, d) {
				s.explain(k, d, e, spans)
			}
		}
		return
	case nNot:
		return
	}
	var where partMask
	hit := TermHit{Term: c.n.src}
	switch c.kind {
	case nWords:
		d.eachWords(c, func(first, last occ) bool {
			where |= 1 << first.part
			if spans {
				e.Spans = append(e.Spans, Span{Part: first.part, Index: int(first.sub), Start: int(first.start), End: int(last.end)})
			}
			return true
		})
	case nRegex:
		eachText(d.st, c.parts, func(p Part, sub int, text string) bool {
			re, on, ok := d.regexFor(c.n, p, text)
			if !ok {
				return true
			}
			if !spans {
				if re.MatchString(on) {
					where |= 1 << p
				}
				return true
			}
			// The twin runs on text of the same length: offsets hold.
			locs := re.FindAllStringIndex(on, 20)
			for _, l := range locs {
				if l[1] > l[0] {
					e.Spans = append(e.Spans, Span{Part: p, Index: sub, Start: l[0], End: l[1]})
				}
			}
			if len(locs) > 0 {
				where |= 1 << p
			}
			return true
		})
	case nFeed:
		if f := feedHit(c.n.glob, storyFeeds(d.st)); f != "" {
			hit.Where = append(hit.Where, "feed "+f)
		}
	case nAll:
		hit.Where = append(hit.Where, "every story")
	}
	for p := PartTitle; p < PartFeed; p++ {
		if where&(1<<p) != 0 {
			hit.Where = append(hit.Where, p.String())
		}
	}
	if len(hit.Where) == 0 {
		return
	}
	for i := range e.Terms {
		if e.Terms[i].Term == hit.Term && strings.Join(e.Terms[i].Where, ",") == strings.Join(hit.Where, ",") {
			return // the same term twice in the query
		}
	}
	e.Terms = append(e.Terms, hit)
}

// Highlight wraps the spans of text (those of one part) in open and close,
// merging spans that overlap.
func Highlight(text string, spans []Span, open, close string) string {
	if len(spans) == 0 {
		return text
	}
	ss := append([]Span(nil), spans...)
	sort.Slice(ss, func(i, j int) bool { return ss[i].Start < ss[j].Start })
	var b strings.Builder
	at := 0
	for i := 0; i < len(ss); i++ {
		start, end := ss[i].Start, ss[i].End
		for i+1 < len(ss) && ss[i+1].Start <= end {
			i++
			end = max(end, ss[i].End)
		}
		if start < at || end > len(text) || start >= end {
			continue
		}
		b.WriteString(text[at:start])
		b.WriteString(open)
		b.WriteString(text[start:end])
		b.WriteString(close)
		at = end
	}
	b.WriteString(text[at:])
	return b.String()
}

// SpansIn returns the spans of e in part (and category index for
// PartCategory).
func (e Explanation) SpansIn(part Part, index int) []Span {
	var out []Span
	for _, s := range e.Spans {
		if s.Part == part && (part != PartCategory || s.Index == index) {
			out = append(out, s)
		}
	}
	return out
}

// hash16 is FNV-1a folded to 16 bits, as the tokenizer computes it.
func hash16(b []byte) uint16 {
	h := uint32(fnvOffset)
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return fold16(h)
}

func fold16(h uint32) uint16 { return uint16(h ^ h>>16) }

// pair16 is the first two bytes of b (len(b) >= 2); prefixes are at least
// two runes long, so at least two bytes.
func pair16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func setBit(bits *[1 << 10]uint64, h uint16)      { bits[h>>6] |= 1 << (h & 63) }
func hasBit(bits *[1 << 10]uint64, h uint16) bool { return bits[h>>6]&(1<<(h&63)) != 0 }
