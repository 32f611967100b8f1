package topic_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/storage"
	"github.com/storyline/storyline/topic"
)

// corpusPath is the shared UCI headline sample, read at test time only.
var corpusPath = filepath.Join("..", "..", "shared", "corpus", "uci-news-aggregator-sample.csv")

var categoryNames = map[string]string{"b": "Business", "t": "Science and Technology", "e": "Entertainment", "m": "Health"}

// loadHeadlines reads the corpus as stories: the headline as title, the
// publisher as feed, the category letter spelled out as category.
func loadHeadlines(t testing.TB) []storyline.Story {
	t.Helper()
	f, err := os.Open(corpusPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("corpus %s absent: skipping", corpusPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil { // header
		t.Fatal(err)
	}
	var out []storyline.Story
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			break // the sample's last row is cut
		}
		if len(rec) < 8 {
			continue
		}
		ms, _ := strconv.ParseInt(rec[7], 10, 64)
		at := time.UnixMilli(ms).UTC().Truncate(time.Second)
		out = append(out, storyline.Story{
			Title: rec[1], Feed: rec[3], Feeds: []string{rec[3]},
			Categories: []string{categoryNames[rec[4]]}, Published: at, FirstSeen: at,
		})
	}
	if len(out) < 1000 {
		t.Fatalf("corpus: only %d headlines", len(out))
	}
	return out
}

// storeStories writes stories into a new database and sets their ids.
func storeStories(t testing.TB, stories []storyline.Story) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(ctx, func(tx *storage.Tx) error {
		feeds := map[string]int64{}
		for i := range stories {
			st := &stories[i]
			id, ok := feeds[st.Feed]
			if !ok {
				if id, err = tx.FeedID(ctx, st.Feed, "https://example.org/"+strconv.Itoa(len(feeds))); err != nil {
					return err
				}
				feeds[st.Feed] = id
			}
			if err := tx.InsertStory(ctx, st, id, strconv.Itoa(i)); err != nil {
				return err
			}
			if err := tx.AddSighting(ctx, id, "k"+strconv.Itoa(i), st.ID, "", st.FirstSeen); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// queryGen makes random valid queries from the corpus's own words, so that
// most of them match something.
type queryGen struct {
	rnd      *rand.Rand
	words    []string // words in 3 to 300 headlines
	bigrams  []string
	hyphened []string // hyphenated words as written in headlines
	depth    int
}

func newQueryGen(stories []storyline.Story) *queryGen {
	df := map[string]int{}
	bi := map[string]int{}
	hy := map[string]bool{}
	hyRe := regexp.MustCompile(`\b[\pL\d]+-[\pL\d]+\b`)
	for _, st := range stories {
		ws := topic.Words(st.Title)
		seen := map[string]bool{}
		for i, w := range ws {
			if !seen[w] {
				df[w]++
				seen[w] = true
			}
			if i > 0 {
				bi[ws[i-1]+" "+w]++
			}
		}
		for _, h := range hyRe.FindAllString(st.Title, -1) {
			hy[h] = true
		}
	}
	g := &queryGen{rnd: rand.New(rand.NewPCG(1, 2))}
	for w, n := range df {
		if n >= 3 && n <= 300 && len(w) > 2 && w != "and" && w != "not" {
			g.words = append(g.words, w)
		}
	}
	for b, n := range bi {
		if n >= 2 {
			g.bigrams = append(g.bigrams, b)
		}
	}
	for h := range hy {
		g.hyphened = append(g.hyphened, h)
	}
	// Map order is random: sort for a reproducible sequence.
	sort.Strings(g.words)
	sort.Strings(g.bigrams)
	sort.Strings(g.hyphened)
	return g
}

func (g *queryGen) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

func (g *queryGen) leaf() string {
	w := g.pick(g.words)
	switch g.rnd.IntN(12) {
	case 0, 1:
		return `"` + g.pick(g.bigrams) + `"`
	case 2:
		if len(w) > 4 {
			return w[:3+g.rnd.IntN(len(w)-3)] + "*"
		}
	case 3:
		if g.rnd.IntN(2) == 0 && len(w) >= 6 {
			// Split a word to exercise the joined form: take-over ~ takeover.
			i := 2 + g.rnd.IntN(len(w)-3)
			return w[:i] + "-" + w[i:]
		}
		return g.pick(g.hyphened)
	case 4:
		return "title:" + w
	case 5:
		return strings.ToUpper(w[:1]) + w[1:]
	case 6:
		if g.rnd.IntN(3) == 0 {
			return "/" + regexp.QuoteMeta(w) + "/"
		}
		return "category:" + g.pick([]string{"business", "health", `"science and technology"`, "entertainment"})
	}
	return w
}

func (g *queryGen) expr() string {
	g.depth++
	defer func() { g.depth-- }()
	if g.depth > 3 || g.rnd.IntN(3) == 0 {
		return g.leaf()
	}
	n := 2 + g.rnd.IntN(2)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.expr()
		if i > 0 && g.rnd.IntN(4) == 0 {
			parts[i] = "-" + parts[i]
		}
	}
	op := []string{" ", " AND ", " OR ", " OR "}[g.rnd.IntN(4)]
	if op == " OR " {
		// Negation inside OR makes a query match almost everything.
		for i := range parts {
			parts[i] = strings.TrimPrefix(parts[i], "-")
		}
	}
	return "(" + strings.Join(parts, op) + ")"
}

// TestFTSAgreesWithMatcher is the property that makes "topics test" honest:
// for every query, the stories found through the FTS5 prefilter and then
// confirmed by the matcher are exactly those the live matcher accepts, the
// prefilter never misses one, and an exact prefilter finds nothing more.
func TestFTSAgreesWithMatcher(t *testing.T) {
	stories := loadHeadlines(t)
	db := storeStories(t, stories)
	g := newQueryGen(stories)
	n := 200
	if testing.Short() {
		n = 40
	}
	var queries []*topic.Topic
	for len(queries) < n {
		q := g.expr()
		tp, err := topic.Compile(fmt.Sprintf("q%d", len(queries)), q, topic.Options{})
		if err != nil {
			t.Fatalf("generated query %q: %v", q, err)
		}
		queries = append(queries, tp)
	}
	// The live side: one Set over every query, as the pipeline runs it.
	set := topic.NewSet(queries...)
	live := map[string][]int64{}
	for i := range stories {
		for _, h := range set.Match(&stories[i], 1) {
			live[h.Topic] = append(live[h.Topic], stories[i].ID)
		}
	}
	ctx := context.Background()
	var exact, scanned, matching int
	for i, tp := range queries {
		want := live[tp.Name]
		slices.Sort(want)
		expr, isExact := tp.Query.FTS()
		if expr == "" {
			scanned++
		}
		if isExact {
			exact++
		}
		if len(want) > 0 {
			matching++
		}
		var candidates, confirmed []int64
		err := db.SearchStories(ctx, storyline.StorySearch{Match: expr}, func(st *storyline.Story, _ int) error {
			candidates = append(candidates, st.ID)
			if tp.QueryMatches(st) {
				confirmed = append(confirmed, st.ID)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s\nFTS %s: %v", tp.Query, expr, err)
		}
		slices.Sort(candidates)
		slices.Sort(confirmed)
		if !slices.Equal(confirmed, want) {
			t.Errorf("query %s\nFTS %s\nconfirmed %d stories, live matcher %d", tp.Query, expr, len(confirmed), len(want))
			continue
		}
		if isExact && len(candidates) != len(want) {
			t.Errorf("query %s\nexact FTS %s gave %d candidates for %d matches", tp.Query, expr, len(candidates), len(want))
		}
		if i%4 != 0 {
			continue
		}
		// Test reports the same count.
		rep, err := topic.Test(ctx, db, tp, topic.TestOptions{MaxScan: len(stories)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Matched != len(want) {
			t.Errorf("query %s: Test matched %d, live %d", tp.Query, rep.Matched, len(want))
		}
	}
	t.Logf("%d queries over %d headlines: %d match something, %d exact prefilters, %d need a scan",
		len(queries), len(stories), matching, exact, scanned)
	if matching < len(queries)/4 {
		t.Errorf("only %d of %d generated queries match anything: the property is too weak", matching, len(queries))
	}
}
