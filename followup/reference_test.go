package followup

import (
	"html"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The sentence splitter and tokenizer as first written, kept as the
// reference that the faster ones must agree with token for token.

// sentences splits text into sentences: at line breaks, and at . ! ? followed
// by a space and something that can start a sentence, unless the period
// closes an abbreviation or an initial.
func refSentences(text string) []string {
	text = quoteReplacer.Replace(text)
	var out []string
	for _, para := range strings.Split(text, "\n") {
		para = strings.TrimSpace(para)
		start := 0
		for i := 0; i < len(para); i++ {
			c := para[i]
			if c != '.' && c != '!' && c != '?' {
				continue
			}
			// Skip closing quotes and brackets after the mark.
			j := i + 1
			for j < len(para) && (para[j] == '"' || para[j] == '\'' || para[j] == ')') {
				j++
			}
			// A lost space: "said.The", a word of lower-case letters after a space.
			lostSpace := false
			if c == '.' && j == i+1 && j+1 < len(para) && unicode.IsUpper(rune(para[j])) && unicode.IsLower(rune(para[j+1])) && para[j] < utf8.RuneSelf && para[j+1] < utf8.RuneSelf {
				w := strings.LastIndex(para[:i], " ") + 1
				word := para[w:i]
				lostSpace = len(word) >= 2 && strings.Trim(word, "abcdefghijklmnopqrstuvwxyz") == ""
			}
			if !lostSpace && (j >= len(para) || para[j] != ' ') {
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
			}
			start = k
			i = k - 1
		}
		if s := strings.TrimSpace(para[start:]); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// tokenize splits a sentence into tokens. Possessives and contractions
// become their own tokens ("Trump's" -> "Trump" "'s", "won't" -> "will"
// "n't"); hyphens between capitalised parts split ("P&G-Gillette" -> "P&G"
// "-" "Gillette"); dotted acronyms lose their dots ("U.S." -> "US").
func refTokenize(s string) []token {
	s = quoteReplacer.Replace(s)
	var toks []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&' || r == '$') {
			// Punctuation; "--" and dashes are one token.
			j := i + 1
			for j < len(rs) && rs[j] == r && (r == '-' || r == '.') {
				j++
			}
			toks = append(toks, token{text: string(rs[i:j]), low: string(rs[i:j])})
			i = j
			continue
		}
		j := i
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		// Trailing punctuation that is not part of the word; the period of
		// an abbreviation ("Jan.", "Mr.") is dropped with it.
		next := j
		for j > i && strings.ContainsRune(".-':,", rs[j-1]) {
			w := string(rs[i : j-1])
			if rs[j-1] == '.' && refIsDottedAbbrev(w+".") {
				break
			}
			j--
			if rs[j] == '.' && j+1 == next && abbreviations[strings.ToLower(w)] {
				next = j + 1 // swallow the abbreviation's period
				toks = refAppendWord(toks, w)
				i = next
				j = -1
				break
			}
		}
		if j < 0 {
			continue
		}
		word := string(rs[i:j])
		i = j
		toks = refAppendWord(toks, word)
	}
	return toks
}

// isDottedAbbrev reports whether w is like "U.S." or "a.m.".
func refIsDottedAbbrev(w string) bool {
	if len(w) < 4 || !strings.Contains(w[:len(w)-1], ".") {
		return false
	}
	for _, part := range strings.Split(strings.TrimSuffix(w, "."), ".") {
		if utf8.RuneCountInString(part) != 1 {
			return false
		}
	}
	return true
}

func refAppendWord(toks []token, w string) []token {
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
					toks = refAppendWord(toks, p)
				}
			}
			return toks
		}
	}
	// Colons only inside clock times ("4:33").
	if strings.Contains(w, ":") {
		parts := strings.SplitN(w, ":", 2)
		if !(isDigits(parts[0]) && isDigits(parts[1])) {
			toks = refAppendWord(toks, parts[0])
			toks = append(toks, token{text: ":", low: ":"})
			if parts[1] != "" {
				toks = refAppendWord(toks, parts[1])
			}
			return toks
		}
	}
	// "Feb.10" -> "Feb" "10"; "U.S." stays whole.
	if k := strings.IndexByte(w, '.'); k > 0 && !refIsDottedAbbrev(w) && !refIsDottedAbbrev(w+".") {
		a, b := w[:k], w[k+1:]
		if b != "" && !isDigits(a) {
			toks = refAppendWord(toks, a)
			if !(isDigits(b) && abbreviations[strings.ToLower(a)]) {
				toks = append(toks, token{text: ".", low: "."})
			}
			return refAppendWord(toks, b)
		}
	}
	// Hyphens: split between capitalised parts ("P&G-Gillette", "US-Russia").
	if strings.Contains(w, "-") {
		parts := strings.Split(w, "-")
		split := len(parts) == 2 && startsUpper(parts[0]) && startsUpper(parts[1])
		if split {
			toks = refAppendWord(toks, parts[0])
			toks = append(toks, token{text: "-", low: "-"})
			return refAppendWord(toks, parts[1])
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
		toks = refAppendWord(toks, stem)
		return append(toks, token{text: "n't", low: "n't", word: true})
	case strings.HasSuffix(lw, "'s") || strings.HasSuffix(lw, "'ll") || strings.HasSuffix(lw, "'re") ||
		strings.HasSuffix(lw, "'ve") || strings.HasSuffix(lw, "'d") || strings.HasSuffix(lw, "'m"):
		k := strings.LastIndexByte(w, '\'')
		if k > 0 {
			toks = refAppendWord(toks, w[:k])
			return append(toks, token{text: w[k:], low: strings.ToLower(w[k:]), word: true})
		}
	}
	w = strings.Trim(w, "'")
	if w == "" {
		return toks
	}
	if refIsDottedAbbrev(w) || refIsDottedAbbrev(w+".") {
		if startsUpper(w) {
			w = strings.ReplaceAll(w, ".", "")
		}
	}
	t := token{text: w, low: fold(w), word: true}
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
	return append(toks, t)
}

func sameTokens(a, b []token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.text != y.text || x.low != y.low || x.cap != y.cap || x.upper != y.upper || x.word != y.word {
			return false
		}
	}
	return true
}

// checkReference fails unless sentences and tokenize agree with the
// reference on text, and every token carries the lexeme of its word.
func checkReference(t *testing.T, text string) {
	t.Helper()
	got, want := sentences(text), refSentences(text)
	if !slices.Equal(got, want) {
		t.Fatalf("sentences(%q):\n got %q\nwant %q", text, got, want)
	}
	for _, s := range append(want, text) {
		got, want := tokenize(s), refTokenize(s)
		if !sameTokens(got, want) {
			t.Fatalf("tokenize(%q):\n got %+v\nwant %+v", s, got, want)
		}
		for _, tk := range got {
			if tk.lx == nil || tk.lx.low != tk.low {
				t.Fatalf("tokenize(%q): token %q has lexeme %+v", s, tk.low, tk.lx)
			}
			if tk.letter != (tk.word && hasLetter(tk.text)) {
				t.Fatalf("tokenize(%q): token %q has letter %v", s, tk.text, tk.letter)
			}
		}
	}
}

// TestTokenizeMatchesReference runs both tokenizers on every line of the
// shared feeds (markup, entities, many languages and encodings) and on
// awkward strings of our own.
func TestTokenizeMatchesReference(t *testing.T) {
	for _, s := range tokenizerSeeds {
		checkReference(t, s)
	}
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data %s is absent: %v", dir, err)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".xml") {
			return err
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(raw), "\n") {
			checkReference(t, html.UnescapeString(line))
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d lines agree", n)
}

var tokenizerSeeds = []string{
	"AT&T-Time Warner's U.S. deal won't close Feb.10; Peña Nieto’s trip, 4:30 p.m.",
	"U.S. President Donald Trump met Mr. Smith on Jan. 5 in Washington. The talks lasted an hour! \"We agreed,\" he said.",
	"Next, J. R. Ewing left.\nA new paragraph… “Quoted” ‘single’ `back` a\u00a0b",
	"1,000,000 $5.5 3:1 a:b :x x: ,a a,,b 'quoted' '' ' ''s can't WON'T sha'n't o'clock rock'n'roll",
	"e.g. i.e. a.m. p.m. U.K.-based U.S.-Russia P&G-Gillette X-ray x-ray --- ... .. -- - .5 5. Jr. Inc.",
	"İstanbul ǅemal Ǳ ﬁnance Straße ΑΘΗΝΑ Ελλάδα Москва 北京 ٣٤ résumé naïve CAFÉ",
	"bad \xff\xfe bytes \xc3 half \xe2\x80 cut",
	"MR. SMITH SAID. Feb.30 Sept.12 jan.5 Co.Ltd a.b.c. A.B.C A.B. A. B. C.",
}

// FuzzTokenize checks the tokenizer against the reference on any text.
//
//	go test ./followup -run '^$' -fuzz FuzzTokenize -fuzztime 1m
func FuzzTokenize(f *testing.F) {
	for _, s := range tokenizerSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkReference(t, s) })
}
