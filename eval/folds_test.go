package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// followupSets are the labelled follow-up sets, each of other events.
var followupSets = []string{"followups-dev", "followups-dev2"}

// run is one ingest of a labelled set with some follow-up settings.
type run struct {
	dir, set string
	threads  []byte
}

// ingestSet ingests a set into a fresh database with the given follow-up
// settings ("" for the defaults), tracing the candidates to trace.jsonl.
func ingestSet(t *testing.T, set, followup string) run {
	t.Helper()
	dir := t.TempDir()
	body := fmt.Sprintf("storage: {path: %s}\nfeeds:\n  - {name: placeholder, url: \"https://example.org/feed\"}\n", filepath.Join(dir, "eval.db"))
	if followup != "" {
		body += "followup: {" + followup + "}\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "storyline.yaml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"ingest", "--trace", filepath.Join(dir, "trace.jsonl")}, feeds(t, filepath.Join(shared, set, "feeds"))...)
	storyline(t, dir, args...)
	return run{dir: dir, set: set, threads: storyline(t, dir, "threads", "--json")}
}

// eventScore is one labelled event's figures: its gold links found, its
// gold links, and the wrong links that touch its stories.
type eventScore struct{ tp, gold, wrong int }

// setLabels is what the per-event scoring reads of a labels file.
type setLabels struct {
	Followups     [][2]string       `json:"followups"`
	Cancellations [][2]string       `json:"cancellations"`
	URLs          map[string]string `json:"urls"`
	Distractors   []string          `json:"distractors"`
	Events        []struct {
		ID            string   `json:"event_id"`
		Anticipations []string `json:"anticipations"`
		Outcomes      []string `json:"outcomes"`
		Cancellations []string `json:"cancellations"`
	} `json:"events"`
}

// readLabels reads a set's labels file.
func readLabels(t *testing.T, set string) setLabels {
	t.Helper()
	var l setLabels
	raw, err := os.ReadFile(filepath.Join(shared, set, "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func normURL(u string) string {
	return strings.ToLower(strings.Replace(strings.TrimRight(strings.TrimSpace(u), "/"), "http://", "https://", 1))
}

// byEvent scores a run per labelled event as the shared scorer scores the
// whole (an announcement's links count for it, a link to or from a
// distractor is wrong), but charges each wrong link to the event of a
// story it touches (or to the labelled story itself when it is in none):
// the shared scorer's --by-event charges only links from an event's
// announcements, which would leave wrong links between two reports of
// one event uncounted.
func byEvent(t *testing.T, r run) map[string]eventScore {
	t.Helper()
	l := readLabels(t, r.set)
	label := map[string]string{}
	for id, u := range l.URLs {
		label[normURL(u)] = id
	}
	distractor := map[string]bool{}
	for _, u := range l.Distractors {
		distractor[normURL(u)] = true
	}
	eventOf := map[string]string{}
	for _, e := range l.Events {
		for _, ids := range [][]string{e.Anticipations, e.Outcomes, e.Cancellations} {
			for _, id := range ids {
				if _, ok := eventOf[id]; !ok {
					eventOf[id] = r.set + "/" + e.ID
				}
			}
		}
	}
	bucket := func(id string) string {
		if e, ok := eventOf[id]; ok {
			return e
		}
		return r.set + "/story/" + id
	}
	gold := map[[2]string]bool{}
	scores := map[string]eventScore{}
	for _, p := range append(l.Followups, l.Cancellations...) {
		if !gold[p] {
			gold[p] = true
			s := scores[bucket(p[0])]
			s.gold++
			scores[bucket(p[0])] = s
		}
	}
	var threads []struct {
		Anticipation  struct{ URL string }   `json:"anticipation"`
		Announcements []struct{ URL string } `json:"announcements"`
		Outcomes      []struct{ URL string } `json:"outcomes"`
	}
	if err := json.Unmarshal(r.threads, &threads); err != nil {
		t.Fatal(err)
	}
	seen := map[[2]string]bool{}
	for _, th := range threads {
		anns := append([]struct{ URL string }{th.Anticipation}, th.Announcements...)
		for _, a := range anns {
			for _, o := range th.Outcomes {
				au, ou := normURL(a.URL), normURL(o.URL)
				la, lo := label[au], label[ou]
				if la == lo || la == "" && lo == "" || la == "" && !distractor[au] || lo == "" && !distractor[ou] {
					continue // the scorer scores neither self-links nor links between unlabelled stories
				}
				p := [2]string{la, lo}
				if seen[p] && la != "" && lo != "" {
					continue
				}
				seen[p] = true
				b := bucket(la)
				if la == "" || eventOf[la] == "" && lo != "" {
					b = bucket(lo)
				}
				s := scores[b]
				if gold[p] {
					s.tp++
				} else {
					s.wrong++
				}
				scores[b] = s
			}
		}
	}
	return scores
}

// sum adds up the figures of the events keep selects; precision counts the
// wrong links from the events' own stories.
func sum(scores map[string]eventScore, keep func(string) bool) (p, r float64, s eventScore) {
	for ev, x := range scores {
		if keep(ev) {
			s.tp, s.gold, s.wrong = s.tp+x.tp, s.gold+x.gold, s.wrong+x.wrong
		}
	}
	if s.tp+s.wrong > 0 {
		p = float64(s.tp) / float64(s.tp+s.wrong)
	}
	if s.gold > 0 {
		r = float64(s.tp) / float64(s.gold)
	}
	return p, r, s
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// fold puts each labelled event in one of n folds, by a hash of its id.
func fold(event string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(event))
	return int(h.Sum32() % uint32(n))
}

// TestFollowupFolds checks that linking holds on events it was not tuned
// on: the two settings tuned on the development sets (threshold, merge) are
// chosen on four fifths of the labelled events of both sets, whole events
// left out, and the figures are taken on the fifth left out; the five
// folds' figures are summed. Recall left out must stay within 0.10 of the
// recall of the same settings chosen on all events.
func TestFollowupFolds(t *testing.T) {
	for _, set := range followupSets {
		need(t, filepath.Join(shared, set))
	}
	if testing.Short() {
		t.Skip("ingests both sets once per setting: skipped with -short")
	}
	var grid []string
	for _, th := range []string{"0.1", "0.15", "0.2", "0.25"} {
		for _, m := range []string{"0.2", "0.25", "0.3"} {
			grid = append(grid, "threshold: "+th+", merge: "+m)
		}
	}
	scores := make([]map[string]eventScore, len(grid))
	for i, g := range grid {
		scores[i] = map[string]eventScore{}
		for _, set := range followupSets {
			for ev, s := range byEvent(t, ingestSet(t, set, g)) {
				scores[i][ev] = s
			}
		}
	}
	best := func(keep func(string) bool) int {
		b, bf := 0, -1.0
		for i := range grid {
			p, r, _ := sum(scores[i], keep)
			if f := f1(p, r); f > bf {
				b, bf = i, f
			}
		}
		return b
	}
	const folds = 5
	var out eventScore
	for k := 0; k < folds; k++ {
		chosen := best(func(ev string) bool { return fold(ev, folds) != k })
		_, _, s := sum(scores[chosen], func(ev string) bool { return fold(ev, folds) == k })
		out.tp, out.gold, out.wrong = out.tp+s.tp, out.gold+s.gold, out.wrong+s.wrong
		t.Logf("fold %d: chose %s; left out: %d of %d links, %d wrong", k, grid[chosen], s.tp, s.gold, s.wrong)
	}
	all := best(func(string) bool { return true })
	wp, wr, _ := sum(scores[all], func(string) bool { return true })
	lp := float64(out.tp) / float64(max(out.tp+out.wrong, 1))
	lr := float64(out.tp) / float64(max(out.gold, 1))
	t.Logf("whole set (%s): precision %.3f recall %.3f f1 %.3f", grid[all], wp, wr, f1(wp, wr))
	t.Logf("leave-events-out (%d folds): precision %.3f recall %.3f f1 %.3f", folds, lp, lr, f1(lp, lr))
	if wr-lr > 0.10 {
		t.Errorf("leave-events-out recall %.3f is more than 0.10 below the whole set's %.3f", lr, wr)
	}
}

// candidate is a line of `ingest --trace`.
type candidate struct {
	Event, Root, EventStory, Story int64
	Passed                         bool
}

// TestFollowupStages prints recall per stage of linking on each set: of
// the labelled pairs, how many have their announcement detected (the
// story starts or joins a thread), how many had the outcome story weighed
// against one of the event's announcements, and how many are linked.
func TestFollowupStages(t *testing.T) {
	for _, set := range followupSets {
		t.Run(set, func(t *testing.T) {
			need(t, filepath.Join(shared, set))
			r := ingestSet(t, set, "")
			labels := readLabels(t, set)
			var stories []struct {
				ID  int64  `json:"id"`
				URL string `json:"url"`
			}
			if err := json.Unmarshal(storyline(t, r.dir, "stories", "--json", "--limit", "0"), &stories); err != nil {
				t.Fatal(err)
			}
			labelOf := map[string]string{}
			for id, u := range labels.URLs {
				labelOf[normURL(u)] = id
			}
			idOf := map[string]int64{}
			for _, s := range stories {
				if l, ok := labelOf[normURL(s.URL)]; ok {
					idOf[l] = s.ID
				}
			}
			var threads []struct {
				Anticipation  struct{ ID int64 }   `json:"anticipation"`
				Announcements []struct{ ID int64 } `json:"announcements"`
				Outcomes      []struct{ ID int64 } `json:"outcomes"`
			}
			if err := json.Unmarshal(r.threads, &threads); err != nil {
				t.Fatal(err)
			}
			group := map[int64][]int64{} // story -> the announcements of its threads
			linked := map[[2]int64]bool{}
			for _, th := range threads {
				anns := []int64{th.Anticipation.ID}
				for _, a := range th.Announcements {
					anns = append(anns, a.ID)
				}
				for _, a := range anns {
					group[a] = append(group[a], anns...)
					for _, o := range th.Outcomes {
						linked[[2]int64{a, o.ID}] = true
					}
				}
			}
			weighed := map[[2]int64]bool{}
			f, err := os.Open(filepath.Join(r.dir, "trace.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var c candidate
				if err := json.Unmarshal(bytes.TrimSpace(sc.Bytes()), &c); err != nil {
					t.Fatal(err)
				}
				weighed[[2]int64{c.EventStory, c.Story}] = true
			}
			pairs := append(labels.Followups, labels.Cancellations...)
			var announced, retrieved, accepted int
			for _, p := range pairs {
				a, o := idOf[p[0]], idOf[p[1]]
				if len(group[a]) == 0 {
					continue
				}
				announced++
				if slices.ContainsFunc(group[a], func(x int64) bool { return weighed[[2]int64{x, o}] }) {
					retrieved++
				}
				if linked[[2]int64{a, o}] {
					accepted++
				}
			}
			n := float64(len(pairs))
			t.Logf("%s stage recall: announcement detected %.3f, outcome weighed %.3f, link accepted %.3f (of %d labelled pairs)",
				set, float64(announced)/n, float64(retrieved)/n, float64(accepted)/n, len(pairs))
		})
	}
}
