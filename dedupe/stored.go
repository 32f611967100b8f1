package dedupe

import "time"

// The index's own storage formats: what a Store keeps for it.

// NearText is the text of a stored story that may be a near-duplicate of a
// new one, to confirm it.
type NearText struct {
	ID      int64
	Title   string
	Summary string
	Source  string
}

// StoredSignature is the near-duplicate fingerprint of a recent story as
// the dedupe index files it: its MinHash signature, when it was published,
// and where the story was placed.
type StoredSignature struct {
	StoryID     int64
	Published   time.Time
	Signature   []uint32
	DuplicateOf int64 // 0 when the story is itself an original
	Storyline   int64
}

// Snapshot is the persisted state of the index, from which it rebuilds
// its lookup structures (see Store.LoadDedupe).
type Snapshot struct {
	Signatures []StoredSignature
	Clusters   []StoryCluster // open clusters, without their centroids
	// Terms holds the document frequency of each counted term by term key;
	// the key of the empty term counts the documents, and key 0 holds the
	// id of the last story the counts include.
	Terms map[int64]int64
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
	// Terms are the keys of the words the cluster is filed under in the
	// inverted index of words to clusters.
	Terms []int64
}
