package followup_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
	"github.com/storyline/storyline/feedparse"
	"github.com/storyline/storyline/followup"
	"github.com/storyline/storyline/internal/farm"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/analyses.golden from the current code")

// goldenFile holds, for blocks of stories of each story set, a hash of
// their analyses (every field, unexported ones included) and a hash of the
// scores of their events against nearby stories. It pins the package's
// results while its speed is worked on: any change of output shows. Set
// FOLLOWUP_GOLDEN_DUMP=dir to write the full text behind the hashes, to
// diff two versions of the code.
const (
	goldenFile  = "testdata/analyses.golden"
	goldenBlock = 16 // stories per golden line
	scoreAhead  = 40 // each event is scored against the next stories
	scoreBehind = 4  // and a few before it (which causality refuses)
)

// storySet is a named list of stories, or the reason it is unavailable.
type storySet struct {
	name    string
	stories []*storyline.Story
	skip    string
}

// farmStories are the benchmark farm's items as the pipeline sees them:
// rendered feeds parsed by feedparse.
func farmStories(t testing.TB, feeds, perFeed int) []*storyline.Story {
	t.Helper()
	f := farm.New(feeds, perFeed)
	var out []*storyline.Story
	for i := 0; i < feeds; i++ {
		feed, err := feedparse.Parse(f.Feed(i, perFeed), "application/rss+xml", fmt.Sprintf("https://outlet%d.example/feed.xml", i))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range feed.Items {
			out = append(out, storyOf(it, int64(len(out)+1), fmt.Sprintf("farm-%d", i)))
		}
	}
	return out
}

// storyOf makes a story of an item as the pipeline stores it.
func storyOf(it storyline.Item, id int64, feed string) *storyline.Story {
	first := it.Published
	if first.IsZero() {
		first = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return &storyline.Story{ID: id, URL: it.URL, Canonical: it.Canonical, Source: it.Source, Title: it.Title,
		Summary: it.Summary, Content: it.Content, Author: it.Author, Categories: it.Categories,
		Published: it.Published, FirstSeen: first, Feed: feed}
}

// parsedStories reads every feed file under dir with feedparse, skipping
// files it refuses (the corpus holds broken documents on purpose).
func parsedStories(t testing.TB, dir string) []*storyline.Story {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []*storyline.Story
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		feed, err := feedparse.Parse(body, "", "https://feeds.example/"+filepath.Base(f))
		if err != nil {
			continue
		}
		rel, _ := filepath.Rel(dir, f)
		for _, it := range feed.Items {
			out = append(out, storyOf(it, int64(len(out)+1), rel))
		}
	}
	return out
}

func goldenSets(t *testing.T) []storySet {
	shared, err := filepath.Abs(filepath.Join("..", "..", "shared"))
	if err != nil {
		t.Fatal(err)
	}
	sets := []storySet{{name: "farm", stories: farmStories(t, 50, 20)}}
	feedSet := func(name, sub string, load func(string) []*storyline.Story) {
		dir := filepath.Join(shared, sub)
		if _, err := os.Stat(dir); err != nil {
			sets = append(sets, storySet{name: name, skip: fmt.Sprintf("shared data %s is absent", dir)})
			return
		}
		sets = append(sets, storySet{name: name, stories: load(dir)})
	}
	globbed := func(dir string) []*storyline.Story {
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		return loadFeeds(t, files)
	}
	feedSet("seed", "fixtures/seed-scenario", globbed)
	feedSet("dev", "eval/followups-dev/feeds", globbed)
	feedSet("uci", "eval/stories-uci/feeds", func(dir string) []*storyline.Story { return parsedStories(t, dir) })
	feedSet("corpus", "corpus/feeds", func(dir string) []*storyline.Story { return parsedStories(t, dir) })
	return sets
}

// goldenLines computes the set's golden lines: "set input hash count" for
// the stories themselves, then "set first-index analyses-hash
// scores-hash" per block of stories. It writes the text behind them to dump when
// not nil.
func goldenLines(set storySet, dump *bufio.Writer) []string {
	opts := followup.DefaultOptions()
	ans := make([]*followup.Analysis, len(set.stories))
	for i, s := range set.stories {
		ans[i] = followup.Analyze(s)
	}
	in := sha256.New()
	for _, s := range set.stories {
		fmt.Fprintf(in, "%d\x00%q\x00%q\x00%q\x00%s\x00%s\n", s.ID, s.Title, s.Summary, s.Content,
			s.Published.Format(time.RFC3339Nano), s.FirstSeen.Format(time.RFC3339Nano))
	}
	lines := []string{fmt.Sprintf("%s input %s %d", set.name, hex.EncodeToString(in.Sum(nil))[:16], len(set.stories))}
	for start := 0; start < len(ans); start += goldenBlock {
		ha, hs := sha256.New(), sha256.New()
		for i := start; i < min(start+goldenBlock, len(ans)); i++ {
			d := followup.DumpAnalysis(ans[i])
			ha.Write([]byte(d))
			var sc strings.Builder
			for k := range ans[i].Events {
				a := ans[i].Events[k]
				a.StoryID, a.ID = set.stories[i].ID, int64(k+1)
				for j := max(0, i-scoreBehind); j < min(len(ans), i+scoreAhead); j++ {
					if j == i {
						continue
					}
					if m, ok := opts.Score(&a, ans[j], nil); ok {
						fmt.Fprintf(&sc, "event %d -> story %d: %#v\n", k, j, m)
					}
				}
			}
			hs.Write([]byte(sc.String()))
			if dump != nil {
				fmt.Fprintf(dump, "=== %s %d %s\n%s%s", set.name, i, set.stories[i].URL, d, sc.String())
			}
		}
		lines = append(lines, fmt.Sprintf("%s %d %s %s", set.name, start,
			hex.EncodeToString(ha.Sum(nil))[:16], hex.EncodeToString(hs.Sum(nil))[:16]))
	}
	return lines
}

// TestGoldenAnalyses checks that Analyze and Score give exactly the
// recorded results on every story of the farm, the seed scenario, the
// development set and the shared corpus. Run with -update to record the
// current results after a deliberate change of behaviour.
func TestGoldenAnalyses(t *testing.T) {
	if testing.Short() {
		t.Skip("golden analyses take a few seconds")
	}
	want := map[string][]string{}
	if !*updateGolden {
		raw, err := os.ReadFile(goldenFile)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			name, _, _ := strings.Cut(l, " ")
			want[name] = append(want[name], l)
		}
	}
	var dump *bufio.Writer
	if dir := os.Getenv("FOLLOWUP_GOLDEN_DUMP"); dir != "" {
		f, err := os.Create(filepath.Join(dir, "analyses.txt"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dump = bufio.NewWriter(f)
		defer dump.Flush()
	}
	var all []string
	for _, set := range goldenSets(t) {
		if set.skip != "" {
			if *updateGolden {
				t.Fatalf("cannot record the golden file without set %s: %s", set.name, set.skip)
			}
			t.Logf("set %s skipped: %s", set.name, set.skip)
			continue
		}
		got := goldenLines(set, dump)
		all = append(all, got...)
		if *updateGolden {
			continue
		}
		t.Run(set.name, func(t *testing.T) {
			exp := want[set.name]
			recorded := "nothing"
			if len(exp) > 0 {
				recorded = exp[0]
			}
			if recorded != got[0] {
				// Another package's farm or the shared data changed: the
				// recorded results say nothing about these stories.
				t.Skipf("the stories of set %s changed since the golden file was recorded (%s, recorded %s); record it again with -update from code known to be right", set.name, got[0], recorded)
			}
			if len(exp) != len(got) {
				t.Fatalf("%d blocks of %d stories, golden file has %d", len(got), goldenBlock, len(exp))
			}
			bad := 0
			for i := 1; i < len(got); i++ {
				if got[i] != exp[i] {
					bad++
					f := strings.Fields(got[i])
					first, _ := strconv.Atoi(f[1])
					t.Errorf("stories %d..%d of %s: got %s, want %s", first, min(first+goldenBlock, len(set.stories))-1, set.name, got[i], exp[i])
				}
			}
			if bad == 0 {
				t.Logf("%d stories as recorded", len(set.stories))
			}
		})
	}
	if *updateGolden {
		head := fmt.Sprintf("# set input stories-hash count, then per block of %d stories: set first-story analyses-hash scores-hash; go test ./followup -run TestGoldenAnalyses -update\n", goldenBlock)
		if err := os.WriteFile(goldenFile, []byte(head+strings.Join(all, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
