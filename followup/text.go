package followup

import (
	"encoding/binary"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// token is one word or punctuation mark of a sentence.
type token struct {
	text  string // as written, apostrophes normalised
	low   string // lower case, diacritics folded
	cap   bool   // starts with an upper-case letter
	upper bool   // two or more letters, all upper case (an acronym or a shouted headline)
	word  bool   // letters or digits; false for punctuation
	// letter: a word with an ASCII letter or a non-ASCII rune (hasLetter).
	letter bool
	lx     *lexeme // what the lexicon says about low
}

// fold lower-cases s and strips diacritics ("Muñoz" -> "munoz").
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.ToLower(out)
}

var quoteReplacer = strings.NewReplacer("’", "'", "‘", "'", "`", "'", "“", "\"", "”", "\"", "\u00a0", " ", "…", "...")

// abbreviations that end with a period without ending a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "sen": true, "rep": true, "gov": true,
	"gen": true, "lt": true, "col": true, "capt": true, "sgt": true, "adm": true, "prof": true, "jr": true,
	"sr": true, "inc": true, "corp": true, "co": true, "ltd": true, "vs": true, "no": true, "ft": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "mon": true, "tue": true, "tues": true,
	"wed": true, "thu": true, "thurs": true, "fri": true, "sat": true, "sun": true, "a.m": true, "p.m": true,
	"e.g": true, "i.e": true, "etc": true, "u.s": true, "u.k": true, "u.n": true, "d.c": true, "approx": true,
}

// sentences splits text into sentences: at line breaks, and at . ! ? followed
// by a space and something that can start a sentence, unless the period
// closes an abbreviation or an initial.
func sentences(text string) []string { return firstSentences(text, 0) }

// firstSentences returns the first limit sentences of text (all of them
// when limit is 0), reading no further than it needs. Quotes are replaced
// paragraph by paragraph: no replacement makes or takes a line break.
func firstSentences(text string, limit int) []string {
	var out []string
	for rest, more := text, true; more; {
		var para string
		para, rest, more = strings.Cut(rest, "\n")
		para = strings.TrimSpace(replaceQuotes(para))
		start := 0
		var marks sentenceMarks
		for i := 0; i < len(para); i++ {
			if i = marks.next(para, i); i < 0 {
				break
			}
			c := para[i]
			// Skip closing quotes and brackets after the mark.
			j := i + 1
			for j < len(para) && (para[j] == '"' || para[j] == '\'' || para[j] == ')') {
				j++
			}
			// "the official said.The leaders met": a scraped feed lost the
			// space after a sentence.
			if !glued(para, i, j) && (j >= len(para) || para[j] != ' ') {
				continue
			}
			k := j
			for k < len(para) && para[k] == ' ' {
				k++
			}
			if k >= len(para) {
				continue
			}
			r, _ := utf8.DecodeRuneInString(para[k:])
			if !(unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '\'' || r == '(') {
				continue
			}
			if c == '.' {
				w := lastWord(para[start:i])
				lw := strings.ToLower(w)
				if abbreviations[lw] || (utf8.RuneCountInString(w) == 1 && unicode.IsUpper([]rune(w)[0])) {
					continue
				}
			}
			if s := strings.TrimSpace(para[start:j]); s != "" {
				out = append(out, s)
				if len(out) == limit {
					return out
				}
			}
			start = k
			i = k - 1
		}
		if s := strings.TrimSpace(para[start:]); s != "" {
			out = append(out, s)
			if len(out) == limit {
				return out
			}
		}
	}
	return out
}

// sentenceMarks finds the next . ! or ? of a paragraph, remembering where
// each mark comes next so that each is searched for (fast) once per hit.
type sentenceMarks struct {
	at   [3]int // next position of each mark at or after from, -1 for none
	from [3]int // where at was searched from, plus 1 (0: not yet)
}

// next returns the position of the first mark at or after i, or -1.
func (m *sentenceMarks) next(para string, i int) int {
	best := -1
	for k, c := range [3]byte{'.', '!', '?'} {
		if m.from[k] == 0 || m.at[k] >= 0 && m.at[k] < i {
			m.from[k] = i + 1
			m.at[k] = strings.IndexByte(para[i:], c)
			if m.at[k] >= 0 {
				m.at[k] += i
			}
		}
		if m.at[k] >= 0 && (best < 0 || m.at[k] < best) {
			best = m.at[k]
		}
	}
	return best
}

// glued reports whether the period at i ends a sentence whose space was
// lost: a lower-case word of two letters or more before it, after a space,
// and a capitalised word right after ("said.The"; not "U.S.", "view.php",
// "3.5" or "www.Dicas-L.com").
func glued(para string, i, j int) bool {
	lower := func(c byte) bool { return 'a' <= c && c <= 'z' }
	if para[i] != '.' || j != i+1 || j+1 >= len(para) || !('A' <= para[j] && para[j] <= 'Z' && lower(para[j+1])) {
		return false
	}
	w := i
	for w > 0 && lower(para[w-1]) {
		w--
	}
	return i-w >= 2 && (w == 0 || para[w-1] == ' ')
}

func lastWord(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || r == '.' || r == '&')
	})
	return s[i+1:]
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' || r == '\'' || r == '.' || r == '-' || r == ':' || r == '$' || r == '%' || r == ','
}

// tokenize splits a sentence into tokens. Possessives and contractions
// become their own tokens ("Trump's" -> "Trump" "'s", "won't" -> "will"
// "n't"); hyphens between capitalised parts split ("P&G-Gillette" -> "P&G"
// "-" "Gillette"); dotted acronyms lose their dots ("U.S." -> "US").
//
// It works on bytes and slices of s, and every token's lower-case form
// and word facts come from the lexicon cache: Analyze tokenizes every
// sentence of every story.
func tokenize(s string) []token { return appendTokens(make([]token, 0, len(s)/5+2), s) }

// appendTokens appends the tokens of s to toks.
func appendTokens(toks []token, s string) []token {
	return appendTokensReplaced(toks, replaceQuotes(s))
}

// appendTokensReplaced is appendTokens for text whose quotes are already
// replaced (replacing twice changes nothing: no replacement makes a
// character that is replaced).
func appendTokensReplaced(toks []token, s string) []token {
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // each invalid byte becomes U+FFFD
	}
	first := len(toks)
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		var class byte
		if r < utf8.RuneSelf {
			class = asciiClass[r]
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			class = runeClass(r)
		}
		if class == clSpace {
			i += size
			continue
		}
		if class != clWordStart {
			// Punctuation; "--" and dashes are one token.
			j := i + size
			if r == '-' || r == '.' {
				for j < len(s) && s[j] == byte(r) {
					j++
				}
			}
			toks = append(toks, token{text: s[i:j], low: s[i:j]})
			i = j
			continue
		}
		j, firstMark := wordEnd(s, i)
		// Trailing punctuation that is not part of the word; the period of
		// an abbreviation ("Jan.", "Mr.") is dropped with it.
		next := j
		for j > i && isWordMark(s[j-1]) {
			w := s[i : j-1]
			if s[j-1] == '.' && isDottedAbbrevDot(w) {
				break
			}
			j--
			if s[j] == '.' && j+1 == next && abbreviations[strings.ToLower(w)] {
				next = j + 1 // swallow the abbreviation's period
				toks = appendWord(toks, w)
				i = next
				j = -1
				break
			}
		}
		if j < 0 {
			continue
		}
		word := s[i:j]
		if firstMark >= j {
			// What appendWord does with it.
			toks = append(toks, token{})
			wordToken(&toks[len(toks)-1], word)
		} else {
			toks = appendWord(toks, word)
		}
		i = j
	}
	for k := first; k < len(toks); k++ {
		if t := &toks[k]; t.lx == nil {
			t.lx = lex(t.low)
			t.low = t.lx.low
			t.letter = t.word && hasLetter(t.text)
		}
	}
	return toks
}

// wordEnd scans the word that starts at i: it returns where the word ends
// and where its first , : . - ' is (len(s) if nowhere).
func wordEnd(s string, i int) (j, firstMark int) {
	firstMark = len(s)
	j = i
	for {
		for j < len(s) && wordBytes[s[j]] == wkWord {
			j++
		}
		if j >= len(s) {
			return j, firstMark
		}
		switch wordBytes[s[j]] {
		case wkMark:
			firstMark = min(firstMark, j)
			j++
		case wkHigh:
			r, size := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				return j, firstMark
			}
			j += size
		default:
			return j, firstMark
		}
	}
}

// isWordMark reports whether c is one of , : . - ' (marks inside words).
func isWordMark(c byte) bool {
	switch c {
	case ',', ':', '.', '-', '\'':
		return true
	}
	return false
}

// Character classes of the tokenizer.
const (
	clPunct     byte = iota
	clSpace          // unicode.IsSpace
	clWordStart      // a letter, a digit, & or $
)

func runeClass(r rune) byte {
	switch {
	case unicode.IsSpace(r):
		return clSpace
	case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' || r == '$':
		return clWordStart
	}
	return clPunct
}

// Kinds of bytes in a word.
const (
	wkNone byte = iota // not in words
	wkWord
	wkMark // , : . - ' (in words)
	wkHigh // not ASCII: decode the rune
)

// wordBytes is asciiWordKind for every byte value.
var wordBytes = func() (w [256]byte) {
	for c := range w {
		if c < utf8.RuneSelf {
			w[c] = asciiWordKind[c]
		} else {
			w[c] = wkHigh
		}
	}
	return w
}()

// asciiClass and asciiWordKind are runeClass and isWordRune (with
// isWordMark) for ASCII; asciiLetter has bit 1 for letters and bit 2 for
// upper-case ones.
var asciiClass, asciiWordKind, asciiLetter = func() (c, w, l [utf8.RuneSelf]byte) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		c[r] = runeClass(r)
		switch {
		case isWordRune(r) && isWordMark(byte(r)):
			w[r] = wkMark
		case isWordRune(r):
			w[r] = wkWord
		}
		switch {
		case 'A' <= r && r <= 'Z':
			l[r] = 3
		case 'a' <= r && r <= 'z':
			l[r] = 1
		}
	}
	return c, w, l
}()

// replaceQuotes normalises quotes, non-breaking spaces and ellipses. The
// replacer is only run on text holding one of them: every one but the
// backtick starts with byte 0xE2 (curly quotes, ellipsis) or 0xC2 (the
// non-breaking space).
func replaceQuotes(s string) string {
	if strings.IndexByte(s, 0xE2) < 0 && strings.IndexByte(s, 0xC2) < 0 && strings.IndexByte(s, '`') < 0 {
		return s
	}
	return quoteReplacer.Replace(s)
}

// isDottedAbbrev reports whether w is like "U.S." or "a.m.".
func isDottedAbbrev(w string) bool {
	if len(w) < 4 || !strings.Contains(w[:len(w)-1], ".") {
		return false
	}
	return oneRuneParts(strings.TrimSuffix(w, "."))
}

// isDottedAbbrevDot is isDottedAbbrev(w + ".") without making the string.
func isDottedAbbrevDot(w string) bool {
	if len(w) < 3 || !strings.Contains(w, ".") {
		return false
	}
	return oneRuneParts(w)
}

// oneRuneParts reports whether every part of w between periods is one rune.
func oneRuneParts(w string) bool {
	for {
		part, rest, more := strings.Cut(w, ".")
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
		if !more {
			return true
		}
		w = rest
	}
}

func appendWord(toks []token, w string) []token {
	// Most words hold none of the marks handled below.
	if w != "" && !hasWordMarks(w) {
		toks = append(toks, token{})
		wordToken(&toks[len(toks)-1], w)
		return toks
	}
	// Internal commas only inside numbers ("1,000").
	if strings.Contains(w, ",") {
		parts := strings.Split(w, ",")
		numeric := true
		for _, p := range parts {
			if p == "" || strings.IndexFunc(p, func(r rune) bool { return !unicode.IsDigit(r) && r != '$' && r != '.' }) >= 0 {
				numeric = false
			}
		}
		if !numeric {
			for k, p := range parts {
				if k > 0 {
					toks = append(toks, token{text: ",", low: ","})
				}
				if p != "" {
					toks = appendWord(toks, p)
				}
			}
			return toks
		}
	}
	// Colons only inside clock times ("4:33").
	if strings.Contains(w, ":") {
		parts := strings.SplitN(w, ":", 2)
		if !(isDigits(parts[0]) && isDigits(parts[1])) {
			toks = appendWord(toks, parts[0])
			toks = append(toks, token{text: ":", low: ":"})
			if parts[1] != "" {
				toks = appendWord(toks, parts[1])
			}
			return toks
		}
	}
	// "Feb.10" -> "Feb" "10"; "U.S." stays whole.
	if k := strings.IndexByte(w, '.'); k > 0 && !isDottedAbbrev(w) && !isDottedAbbrevDot(w) {
		a, b := w[:k], w[k+1:]
		if b != "" && !isDigits(a) {
			toks = appendWord(toks, a)
			if !(isDigits(b) && abbreviations[strings.ToLower(a)]) {
				toks = append(toks, token{text: ".", low: "."})
			}
			return appendWord(toks, b)
		}
	}
	// Hyphens: split between capitalised parts ("P&G-Gillette", "US-Russia").
	if strings.Contains(w, "-") {
		parts := strings.Split(w, "-")
		split := len(parts) == 2 && startsUpper(parts[0]) && startsUpper(parts[1])
		if split {
			toks = appendWord(toks, parts[0])
			toks = append(toks, token{text: "-", low: "-"})
			return appendWord(toks, parts[1])
		}
	}
	// Contractions and possessives.
	lw := strings.ToLower(w)
	switch {
	case strings.HasSuffix(lw, "n't") && len(lw) > 3:
		stem := w[:len(w)-3]
		switch strings.ToLower(stem) {
		case "wo":
			stem = "will"
		case "ca":
			stem = "can"
		case "sha":
			stem = "shall"
		}
		toks = appendWord(toks, stem)
		return append(toks, token{text: "n't", low: "n't", word: true})
	case strings.HasSuffix(lw, "'s") || strings.HasSuffix(lw, "'ll") || strings.HasSuffix(lw, "'re") ||
		strings.HasSuffix(lw, "'ve") || strings.HasSuffix(lw, "'d") || strings.HasSuffix(lw, "'m"):
		k := strings.LastIndexByte(w, '\'')
		if k > 0 {
			toks = appendWord(toks, w[:k])
			return append(toks, token{text: w[k:], low: strings.ToLower(w[k:]), word: true})
		}
	}
	w = strings.Trim(w, "'")
	if w == "" {
		return toks
	}
	if isDottedAbbrev(w) || isDottedAbbrevDot(w) {
		if startsUpper(w) {
			w = strings.ReplaceAll(w, ".", "")
		}
	}
	toks = append(toks, token{})
	wordToken(&toks[len(toks)-1], w)
	return toks
}

// hasWordMarks reports whether w holds one of , : . - '.
func hasWordMarks(w string) bool {
	for i := 0; i < len(w); i++ {
		if isWordMark(w[i]) {
			return true
		}
	}
	return false
}

// lowerASCII lowers w (at most 64 bytes) into buf eight bytes at a time,
// hashing it as it goes (hashWord of the lowered word); it reports whether
// w has a small letter, and ascii is false (the rest meaningless) when w is
// not ASCII.
func lowerASCII(buf *[72]byte, w string) (h uint64, hasLower, ascii bool) {
	h = hashStart(len(w))
	var lowers uint64
	for i := 0; i < len(w); i += 8 {
		var x uint64
		if i+8 <= len(w) {
			x = load64(w[i:])
		} else {
			x = loadTail(w[i:])
		}
		if x&highs != 0 {
			return 0, false, false
		}
		// Bytes under 0x80 cannot carry into the next: a byte's high bit
		// after adding says whether it reached a bound.
		upper := ((x + (0x80-'A')*ones) ^ (x + (0x80-'Z'-1)*ones)) & highs
		lowers |= ((x + (0x80-'a')*ones) ^ (x + (0x80-'z'-1)*ones)) & highs
		x |= upper >> 2 // 'A'..'Z' to 'a'..'z'
		binary.LittleEndian.PutUint64(buf[i:], x)
		h = hashStep(h, x)
	}
	return hashEnd(h), lowers != 0, true
}

// wordToken makes the token of a word.
func wordToken(t *token, w string) {
	if len(w) <= 64 {
		// Short ASCII words, most of them: one pass lowers the word into a
		// buffer for the look-up, hashes it and counts its capitals.
		var buf [72]byte // the last eight bytes written may pass the word's end
		if h, hasLower, ascii := lowerASCII(&buf, w); ascii {
			lx := lexicon.getBytes(buf[:len(w)], h)
			// The word has its lower-case form's letters: all capitals when
			// it has no small letter.
			t.text, t.low, t.lx, t.word = w, lx.low, lx, true
			t.letter = lx.letters > 0
			t.cap = 'A' <= w[0] && w[0] <= 'Z'
			t.upper = lx.letters >= 2 && !hasLower
			return
		}
	}
	lx := lex(fold(w))
	*t = token{text: w, low: lx.low, word: true, lx: lx, letter: hasLetter(w)}
	first, _ := utf8.DecodeRuneInString(w)
	t.cap = unicode.IsUpper(first)
	letters, uppers := 0, 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				uppers++
			}
		}
	}
	t.upper = letters >= 2 && letters == uppers
}

func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
