// Package eval measures storyline against the labelled real-world news in
// ../shared/eval with the shared scorers, through the real binary: a fresh
// database, `ingest` of the feeds, then `threads --json` / `stories --json`.
//
//	go test ./eval -v
//
// prints the scorers' figures and fails below the targets.
package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/storyline/storyline/internal/testbin"
)

var (
	shared = filepath.Join("..", "..", "shared", "eval")
	bin    string
)

func TestMain(m *testing.M) { os.Exit(testbin.Main(m, "../cmd/storyline", &bin)) }

// need skips the test when the shared data or python3 is missing.
func need(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("%s not found (../shared must sit beside the repository): skipping", p)
		}
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: the shared scorers need it; skipping")
	}
}

// storyline runs the binary on a fresh config in dir and returns stdout.
func storyline(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cfg := filepath.Join(dir, "storyline.yaml")
	if _, err := os.Stat(cfg); err != nil {
		body := fmt.Sprintf("storage: {path: %s}\nfeeds:\n  - {name: placeholder, url: \"https://example.org/feed\"}\n", filepath.Join(dir, "eval.db"))
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, append([]string{"--config", cfg}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("storyline %v: %v\n%s", args[0], err, stderr.String())
	}
	return stdout.Bytes()
}

func score(t *testing.T, scorer, labels string, output []byte) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "output.json")
	if err := os.WriteFile(out, output, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := exec.Command("python3", filepath.Join(shared, scorer), labels, out, "-v").CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", scorer, err, res)
	}
	t.Logf("%s:\n%s", scorer, res)
	return string(res)
}

func figure(t *testing.T, text, name string) float64 {
	t.Helper()
	m := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `=([0-9.]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no %s in scorer output", name)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func feeds(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no feeds in %s", dir)
	}
	return files
}

// scoreFollowups ingests a labelled follow-up set into a fresh database
// and returns the shared scorer's output for its threads.
func scoreFollowups(t *testing.T, name string) string {
	t.Helper()
	set := filepath.Join(shared, name)
	need(t, set)
	dir := t.TempDir()
	storyline(t, dir, append([]string{"ingest"}, feeds(t, filepath.Join(set, "feeds"))...)...)
	return score(t, "score_followups.py", filepath.Join(set, "labels.json"), storyline(t, dir, "threads", "--json"))
}

// TestFollowups: issue targets precision >= 0.90, recall >= 0.85 on the dev
// set, no hard negative linked, every cancellation marked as such.
func TestFollowups(t *testing.T) {
	res := scoreFollowups(t, "followups-dev")
	p, r := figure(t, res, "precision"), figure(t, res, "recall")
	if p < 0.90 || r < 0.85 {
		t.Errorf("follow-ups precision %.3f recall %.3f, want >= 0.90 and >= 0.85", p, r)
	}
	if hn := figure(t, res, "hard_negatives_linked"); hn != 0 {
		t.Errorf("%v hard negatives linked", hn)
	}
	m := regexp.MustCompile(`cancellations found (\d+)/(\d+), marked cancelled/postponed (\d+)`).FindStringSubmatch(res)
	if m == nil || m[1] != m[2] || m[3] != m[2] {
		t.Errorf("cancellations not all found and marked: %v", m)
	}
}

// TestFollowupsDev2 scores the second development set (44 events of five
// domains) against floors at what main has reached, and logs the issue's
// targets (precision >= 0.90, recall >= 0.85, 80% of cancellations marked,
// <= 1.2 threads an event) next to the figures.
func TestFollowupsDev2(t *testing.T) {
	res := scoreFollowups(t, "followups-dev2")
	p, r := figure(t, res, "precision"), figure(t, res, "recall")
	if p < 0.94 || r < 0.855 {
		t.Errorf("follow-ups precision %.3f recall %.3f, below the floors reached (0.94, 0.855)", p, r)
	}
	if hn := figure(t, res, "hard_negatives_linked"); hn > 0 {
		t.Errorf("%v hard negatives linked, more than the 0 reached", hn)
	}
	if d := figure(t, res, "distractor_links"); d > 0 {
		t.Errorf("%v distractor links", d)
	}
	m := regexp.MustCompile(`\(([0-9.]+) an event;`).FindStringSubmatch(res)
	if m == nil {
		t.Fatal("no threads-an-event figure")
	}
	if x, _ := strconv.ParseFloat(m[1], 64); x > 1.15 {
		t.Errorf("%.2f threads an event, more than the 1.15 reached", x)
	}
	c := regexp.MustCompile(`marked cancelled/postponed (\d+)`).FindStringSubmatch(res)
	if c == nil {
		t.Fatal("no cancellations figure")
	}
	if n, _ := strconv.Atoi(c[1]); n < 150 {
		t.Errorf("%d cancellations marked, fewer than the 150 reached", n)
	}
	t.Logf("issue targets: precision >= 0.90, recall >= 0.85, 80%% of cancellations marked, <= 1.2 threads an event")
}

// TestClusters: issue targets BCubed precision >= 0.85 and F1 >= 0.75 on
// the UCI headlines.
func TestClusters(t *testing.T) {
	set := filepath.Join(shared, "stories-uci")
	need(t, set)
	dir := t.TempDir()
	storyline(t, dir, append([]string{"ingest"}, feeds(t, filepath.Join(set, "feeds"))...)...)
	res := score(t, "score_clusters.py", filepath.Join(set, "labels.json"), storyline(t, dir, "stories", "--json", "--limit", "0"))
	bcubed := regexp.MustCompile(`bcubed precision=([0-9.]+) recall=([0-9.]+) f1=([0-9.]+)`).FindStringSubmatch(res)
	if bcubed == nil {
		t.Fatal("no BCubed figures")
	}
	p, _ := strconv.ParseFloat(bcubed[1], 64)
	f1, _ := strconv.ParseFloat(bcubed[3], 64)
	if p < 0.85 || f1 < 0.75 {
		t.Errorf("clusters BCubed precision %.3f F1 %.3f, want >= 0.85 and >= 0.75", p, f1)
	}
	followupCoherence(t, filepath.Join(set, "labels.json"), storyline(t, dir, "threads", "--json"))
}

// followupCoherence measures follow-up linking on feeds nobody labelled
// for it: the UCI sample's stories carry story labels only, so a link whose
// outcome is another labelled story than the thread's first announcement
// is, most of the time, a wrong one ("10 things to know this morning"
// gathering every report of the day). It fails below what main reached.
func followupCoherence(t *testing.T, labelsPath string, threadsJSON []byte) {
	t.Helper()
	var labels struct {
		StoryOf map[string]string `json:"story_of_url"`
	}
	raw, err := os.ReadFile(labelsPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &labels); err != nil {
		t.Fatal(err)
	}
	story := map[string]string{}
	for u, s := range labels.StoryOf {
		story[strings.ReplaceAll(u, `\?`, "?")] = s
	}
	var threads []struct {
		Anticipation struct{ URL string }   `json:"anticipation"`
		Outcomes     []struct{ URL string } `json:"outcomes"`
	}
	if err := json.Unmarshal(threadsJSON, &threads); err != nil {
		t.Fatal(err)
	}
	same, other, largest := 0, 0, 0
	for _, th := range threads {
		largest = max(largest, len(th.Outcomes))
		a, ok := story[th.Anticipation.URL]
		for _, o := range th.Outcomes {
			if b, known := story[o.URL]; ok && known {
				if a == b {
					same++
				} else {
					other++
				}
			}
		}
	}
	share := float64(same) / float64(max(1, same+other))
	t.Logf("follow-ups on stories-uci: %d threads, %d links to a labelled story, %.2f of them to the first announcement's story; largest thread %d outcomes",
		len(threads), same+other, share, largest)
	if share < 0.65 || largest > 400 {
		t.Errorf("follow-ups on stories-uci: %.2f of links to the announcement's story (floor 0.65), largest thread %d outcomes (ceiling 400)", share, largest)
	}
}

// TestDuplicates: every pair in a labelled duplicates group is grouped
// (marked near-duplicate copies, or at least put in the same storyline),
// and nothing else in the dev set is marked duplicate.
func TestDuplicates(t *testing.T) {
	set := filepath.Join(shared, "followups-dev")
	need(t, set)
	var labels struct {
		Duplicates [][]string        `json:"duplicates"`
		URLs       map[string]string `json:"urls"`
	}
	raw, err := os.ReadFile(filepath.Join(set, "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &labels); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	storyline(t, dir, append([]string{"ingest"}, feeds(t, filepath.Join(set, "feeds"))...)...)
	var stories []struct {
		ID          int64  `json:"id"`
		URL         string `json:"url"`
		DuplicateOf *int64 `json:"duplicate_of"`
		Storyline   *int64 `json:"storyline"`
	}
	if err := json.Unmarshal(storyline(t, dir, "stories", "--json", "--limit", "0"), &stories); err != nil {
		t.Fatal(err)
	}
	root := map[int64]int64{}
	idOfURL := map[string]int64{}
	cluster := map[int64]int64{}
	for _, s := range stories {
		idOfURL[s.URL] = s.ID
		if s.Storyline != nil {
			cluster[s.ID] = *s.Storyline
		}
		root[s.ID] = s.ID
		if s.DuplicateOf != nil {
			root[s.ID] = *s.DuplicateOf
		}
	}
	find := func(id int64) int64 {
		for i := 0; i < 10 && root[id] != id; i++ {
			id = root[id]
		}
		return id
	}
	grouped := map[int64]bool{}
	var pairs, linked, sameStoryline int
	for _, g := range labels.Duplicates {
		for i := range g {
			a := idOfURL[labels.URLs[g[i]]]
			grouped[a] = true
			for j := i + 1; j < len(g); j++ {
				b := idOfURL[labels.URLs[g[j]]]
				pairs++
				switch {
				case a != 0 && find(a) == find(b):
					linked++
				case a != 0 && cluster[a] != 0 && cluster[a] == cluster[b]:
					sameStoryline++
				default:
					t.Errorf("duplicates %s and %s not grouped", g[i], g[j])
				}
			}
		}
	}
	var extra int
	for _, s := range stories {
		if s.DuplicateOf != nil && !grouped[s.ID] {
			extra++
			t.Errorf("story %d (%s) marked duplicate of %d but labelled as no duplicate", s.ID, s.URL, *s.DuplicateOf)
		}
	}
	t.Logf("duplicates: %d/%d labelled pairs marked near-duplicate copies, %d more in the same storyline; %d stories wrongly marked duplicate",
		linked, pairs, sameStoryline, extra)
}
