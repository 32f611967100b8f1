package dedupe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestShingles(t *testing.T) {
	if got := Shingles(""); got != nil {
		t.Errorf("Shingles(\"\") = %v, want none", got)
	}
	if got := Shingles("abc"); len(got) != 1 {
		t.Errorf("a text shorter than a shingle is one shingle, got %d", len(got))
	}
	// "abcdefg" has the 5-grams abcde, bcdef, cdefg.
	if got := Shingles("abcdefg"); len(got) != 3 {
		t.Errorf("Shingles(abcdefg) has %d shingles, want 3", len(got))
	}
	// Repeated grams count once; the result is sorted.
	got := Shingles("abcdeabcdeabcde")
	if !slices.IsSorted(got) || len(got) != 5 {
		t.Errorf("Shingles(abcde x3) = %d shingles (sorted %v), want 5 sorted", len(got), slices.IsSorted(got))
	}
	// Runes, not bytes: a multi-byte text has as many grams as characters allow.
	if got := Shingles("ééééééé"); len(got) != 1 {
		t.Errorf("Shingles of one repeated rune = %d, want 1", len(got))
	}
}

func TestJaccard(t *testing.T) {
	tests := []struct {
		a, b []uint64
		want float64
	}{
		{[]uint64{1, 2, 3}, []uint64{1, 2, 3}, 1},
		{[]uint64{1, 2, 3}, []uint64{4, 5}, 0},
		{[]uint64{1, 2, 3, 4}, []uint64{3, 4, 5, 6}, 2.0 / 6},
		{nil, nil, 0},
		{[]uint64{1}, nil, 0},
	}
	for _, tt := range tests {
		if got := Jaccard(tt.a, tt.b); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Jaccard(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// The share of agreeing signature positions estimates the Jaccard
// similarity: checked over many pairs at known similarities.
func TestMinHashEstimatesJaccard(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, want := range []float64{0.2, 0.5, 0.8} {
		var sumErr float64
		const trials = 200
		for range trials {
			// Two sets of 300 with round(j*600/(1+j)) shared elements.
			shared := int(math.Round(want * 600 / (1 + want)))
			a := make([]uint64, 0, 300)
			b := make([]uint64, 0, 300)
			for i := range 300 {
				x := rng.Uint64()
				a = append(a, x)
				if i < shared {
					b = append(b, x)
				} else {
					b = append(b, rng.Uint64())
				}
			}
			slices.Sort(a)
			slices.Sort(b)
			sa, sb := MinHash(a), MinHash(b)
			agree := 0
			for i := range sa {
				if sa[i] == sb[i] {
					agree++
				}
			}
			sumErr += float64(agree)/NumHashes - Jaccard(a, b)
		}
		if bias := sumErr / trials; math.Abs(bias) > 0.03 {
			t.Errorf("at Jaccard %.1f MinHash is biased by %.3f", want, bias)
		}
	}
}

func TestBandKeys(t *testing.T) {
	a := MinHash(Shingles(Normalize("Hurricane Irma makes landfall in the Florida Keys as a Category 4 storm")))
	b := MinHash(Shingles(Normalize("Hurricane Irma makes landfall in Florida Keys as Category 4 storm")))
	c := MinHash(Shingles(Normalize("Central bank leaves interest rates unchanged, signals patience")))
	sa, sb, sc := a.Sketch(), b.Sketch(), c.Sketch()
	ka, kb, kc := sa.BandKeys(), sb.BandKeys(), sc.BandKeys()
	shared := func(x, y [Bands]uint64) int {
		n := 0
		for i := range x {
			if x[i] == y[i] {
				n++
			}
		}
		return n
	}
	if shared(ka, kb) == 0 {
		t.Error("near-identical texts share no LSH band")
	}
	if n := shared(ka, kc); n > 0 {
		t.Errorf("unrelated texts share %d LSH bands", n)
	}
	// Equal rows in different bands give different keys.
	var z Sketch
	keys := z.BandKeys()
	if slices.Contains(keys[1:], keys[0]) {
		t.Error("band index is not part of the key")
	}
}

// A sketch shares every band its signature shares, and its estimate of
// similarity is never below the signature's: look-ups through sketches
// lose no candidate.
func TestSketchKeepsCandidates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var x, y Signature
		for i := range x {
			x[i] = r.Uint32()
			y[i] = r.Uint32()
			if r.IntN(3) > 0 { // mostly agreeing, some bytes agreeing by chance
				y[i] = x[i]
			} else if r.IntN(4) == 0 {
				y[i] = x[i]&^0xff | r.Uint32()&0xff
			}
		}
		sx, sy := x.Sketch(), y.Sketch()
		kx, ky := sx.BandKeys(), sy.BandKeys()
		for b := range Bands {
			if [Rows]uint32(x[b*Rows:]) == [Rows]uint32(y[b*Rows:]) && kx[b] != ky[b] {
				t.Fatalf("band %d shared by the signatures, not by their sketches", b)
			}
		}
		full, bytes := 0, 0
		for i := range x {
			if x[i] == y[i] {
				full++
			}
			if sx[i] == sy[i] {
				bytes++
			}
		}
		if bytes < full {
			t.Fatalf("sketches agree at %d places, signatures at %d", bytes, full)
		}
	}
}

// The banding's candidate probability, 1-(1-j^r)^b, as documented.
func TestBandingCurve(t *testing.T) {
	p := func(j float64) float64 { return 1 - math.Pow(1-math.Pow(j, Rows), Bands) }
	for _, c := range []struct{ j, lo, hi float64 }{{0.5, 0.9, 1}, {0.6, 0.98, 1}, {0.05, 0, 0.01}} {
		if got := p(c.j); got < c.lo || got > c.hi {
			t.Errorf("candidate probability at j=%.2f is %.3f, want in [%.2f, %.2f]", c.j, got, c.lo, c.hi)
		}
	}
}

func BenchmarkFingerprint(b *testing.B) {
	title := "Hurricane Irma makes landfall in Florida Keys as Category 4 storm - The News-Press"
	summary := strings.Repeat("Hurricane Irma made landfall Sunday at Cudjoe Key in the Florida Keys as a mammoth storm. ", 2)
	for i := 0; b.Loop(); i++ {
		fp := NewFingerprint(fmt.Sprint(title, i), summary, "The News-Press")
		sig := MinHash(fp.Shingles)
		sk := sig.Sketch()
		_ = sk.BandKeys()
	}
}
