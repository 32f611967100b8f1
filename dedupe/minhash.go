package dedupe

import "slices"

const (
	// ShingleSize is the length in characters of a shingle. Character
	// n-grams suit one to three sentences of feed text better than word
	// n-grams: a changed word still leaves most of its neighbours' grams.
	ShingleSize = 5
	// Bands and Rows shape the LSH: a pair with Jaccard similarity j
	// shares at least one band with probability 1-(1-j^Rows)^Bands, which
	// is 0.93 at j=0.5, 0.99 at 0.6 and 0.003 at 0.05.
	Bands = 20
	Rows  = 3
	// NumHashes is the length of a MinHash signature.
	NumHashes = Bands * Rows
)

// Shingles returns the sorted distinct 64-bit hashes of the character
// n-grams of text, which should already be normalised. A text shorter than
// one shingle is a single shingle; an empty text has none.
func Shingles(text string) []uint64 {
	r := []rune(text)
	if len(r) == 0 {
		return nil
	}
	n := len(r) - ShingleSize + 1
	if n < 1 {
		n = 1
	}
	out := make([]uint64, 0, n)
	for i := range n {
		// FNV-1a over the runes, mixed: fixed, so that stored signatures
		// keep their meaning across versions.
		h := uint64(14695981039346656037)
		for _, c := range r[i:min(i+ShingleSize, len(r))] {
			h ^= uint64(uint32(c))
			h *= 1099511628211
		}
		out = append(out, mix(h))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mix is the splitmix64 finaliser: FNV's low bits are weak, and MinHash
// needs every bit of the input hash to matter.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hashParams are the NumHashes universal hash functions a*x+b (mod 2^64,
// keeping the high 32 bits). They are derived from a fixed seed: stored
// signatures must mean the same thing to every later run.
var hashParams = func() (p [NumHashes][2]uint64) {
	s := uint64(0x51071e2ed00d5eed)
	next := func() uint64 {
		s += 0x9e3779b97f4a7c15
		return mix(s)
	}
	for i := range p {
		p[i] = [2]uint64{next() | 1, next()}
	}
	return p
}()

// Signature is a MinHash signature.
type Signature [NumHashes]uint32

// MinHash returns the signature of a set of shingles. The fraction of
// positions where two signatures agree estimates the sets' Jaccard
// similarity.
func MinHash(shingles []uint64) Signature {
	var sig Signature
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for _, x := range shingles {
		for i, p := range hashParams {
			if h := uint32((p[0]*x + p[1]) >> 32); h < sig[i] {
				sig[i] = h
			}
		}
	}
	return sig
}

// Sketch is a signature cut to the low byte of each minimum (b-bit
// MinHash), what the index keeps in memory: a quarter of the size. Equal
// minima give equal bytes, so sketches share every band their signatures
// share, and others only by chance (24 bits a band: once in 16 million
// pairs); the fraction of equal bytes overestimates similarity by at most
// 1/256. Look-ups through sketches find more candidates, never fewer.
type Sketch [NumHashes]uint8

// Sketch returns the low byte of each minimum.
func (s *Signature) Sketch() Sketch {
	var k Sketch
	for i, x := range s {
		k[i] = uint8(x)
	}
	return k
}

// BandKeys returns the LSH bucket of each band: two texts are candidates
// when they share any key. The band index is part of the key, so keys of
// different bands never collide.
func (k *Sketch) BandKeys() [Bands]uint64 {
	var keys [Bands]uint64
	for b := range Bands {
		v := uint64(b)
		for _, x := range k[b*Rows : (b+1)*Rows] {
			v = v<<8 | uint64(x)
		}
		keys[b] = mix(v) // a bijection: distinct bands and rows, distinct keys
	}
	return keys
}

// band returns the bytes of band b.
func (k *Sketch) band(b int) [Rows]uint8 { return [Rows]uint8(k[b*Rows:]) }

// Jaccard returns |a∩b| / |a∪b| of two sorted distinct sets.
func Jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
