package storyline

import "time"

// NearCandidate is a stored story that shares at least one LSH band with a
// new story: a possible near-duplicate, to be confirmed on its text.
type NearCandidate struct {
	ID          int64
	Title       string
	Summary     string
	Source      string
	Published   time.Time
	DuplicateOf int64 // 0 when the candidate is itself an original
	Storyline   int64 // 0 when it was never clustered
	Bands       int   // how many of the new story's bands it shares
	// Signature is the candidate's MinHash signature, nil if unknown.
	Signature []uint32
}

// TermWeight is one term of a cluster's centroid.
type TermWeight struct {
	Term   string
	Weight float64
}

// StoryCluster is a same-story cluster as the clustering index keeps it.
type StoryCluster struct {
	// ID is the id of the story that started the cluster; it is the
	// storyline value of every story in it.
	ID      int64
	Size    int       // stories added so far
	Started time.Time // publication time of the first story
	Updated time.Time // publication time of the latest story
	// Centroid is the sum of the members' unit TF-IDF vectors, heaviest
	// terms first, cut to a bounded length.
	Centroid []TermWeight
}
