package followup

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestLexTable fills a small table well past its bound: every look-up
// still returns the lexeme of its word, whether found, grown or after the
// table started afresh.
func TestLexTable(t *testing.T) {
	tab := newLexTable(64)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		w := fmt.Sprintf("w%d", rng.IntN(300))
		var l *lexeme
		if i%2 == 0 {
			l = tab.get(w, hashWord(w))
		} else {
			l = tab.getBytes([]byte(w), hashWord(w))
		}
		if l.low != w || l.hash != hashWord(w) {
			t.Fatalf("look-up %d of %q gave %q (hash %x)", i, w, l.low, l.hash)
		}
	}
	if n := tab.cur.Load().n; n > 64 {
		t.Errorf("table holds %d words, bound 64", n)
	}
}

// TestHashWord: lowerASCII lowers and hashes as hashWord does on the
// lowered word, for every length up to the 64 bytes it takes.
func TestHashWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&$-.'"
	for n := 1; n <= 64; n++ {
		for trial := 0; trial < 20; trial++ {
			b := make([]byte, n)
			for i := range b {
				b[i] = letters[rng.IntN(len(letters))]
			}
			w := string(b)
			var buf [72]byte
			h, hasLower, ascii := lowerASCII(&buf, w)
			low := strings.ToLower(w)
			if !ascii || string(buf[:n]) != low || h != hashWord(low) || hasLower != (strings.ToUpper(w) != w) {
				t.Fatalf("lowerASCII(%q) = %q, %x, %v, %v; want %q, %x, %v", w, buf[:n], h, hasLower, ascii, low, hashWord(low), strings.ToUpper(w) != w)
			}
		}
	}
	var buf [72]byte
	if _, _, ascii := lowerASCII(&buf, "Zürich"); ascii {
		t.Error("lowerASCII took Zürich for ASCII")
	}
}
