package followup_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline/followup"
)

// TestSeedScenario: the wire story's Putin call links to the commentary as
// happened; the Merkel and Hollande calls have no outcome and are overdue
// today; the commentary's "They'll meet later in the year" is a new
// anticipation with a 2017 window.
func TestSeedScenario(t *testing.T) {
	dir := sharedDir(t, "fixtures/seed-scenario")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	for name, run := range runners() {
		t.Run(name, func(t *testing.T) {
			checkSeed(t, run(t, loadFeeds(t, files), followup.DefaultOptions(), now))
		})
	}
}

func checkSeed(t *testing.T, views []followup.ThreadView) {
	for _, v := range views {
		exp := "null"
		if v.Event.Expected != nil {
			exp = *v.Event.Expected
		}
		t.Logf("%s | %s | %v | %s | %s | outcomes=%d", v.Anticipation.URL, v.Event.Summary, v.Event.Actors, exp, v.Status, len(v.Outcomes))
		for _, o := range v.Outcomes {
			t.Logf("   -> %s %s %.2f %s", o.URL, o.Relation, o.Score, o.Explanation)
		}
	}
	find := func(urlPart string, actors ...string) *followup.ThreadView {
		for i, v := range views {
			if !strings.Contains(v.Anticipation.URL, urlPart) {
				continue
			}
			all := true
			for _, a := range actors {
				found := false
				for _, have := range v.Event.Actors {
					if strings.Contains(have, a) {
						found = true
					}
				}
				all = all && found
			}
			if all && len(v.Event.Actors) == len(actors) {
				return &views[i]
			}
		}
		return nil
	}
	putin := find("wire-a", "Trump", "Putin")
	if putin == nil {
		t.Fatal("no Trump-Putin event from the wire story")
	}
	if putin.Status != "happened" || len(putin.Outcomes) != 1 || !strings.Contains(putin.Outcomes[0].URL, "commentary-b") || putin.Outcomes[0].Relation != "happened" {
		t.Errorf("Trump-Putin call: status %s, outcomes %+v; want happened via the commentary", putin.Status, putin.Outcomes)
	}
	if putin.Event.Expected == nil || *putin.Event.Expected != "2017-01-28" {
		t.Errorf("Trump-Putin call expected %v, want 2017-01-28", putin.Event.Expected)
	}
	for _, who := range []string{"Merkel", "Hollande"} {
		v := find("wire-a", "Trump", who)
		if v == nil {
			t.Errorf("no Trump-%s event from the wire story", who)
			continue
		}
		if v.Status != "overdue" || len(v.Outcomes) != 0 {
			t.Errorf("Trump-%s call: status %s with %d outcomes, want overdue with none", who, v.Status, len(v.Outcomes))
		}
	}
	meet := find("commentary-b", "Trump", "Putin")
	if meet == nil || meet.Event.Action != "meet" {
		t.Fatalf("no Trump-Putin meeting anticipated by the commentary: %+v", meet)
	}
	if meet.Event.Expected == nil || !strings.HasPrefix(*meet.Event.Expected, "2017-") || meet.Status != "overdue" {
		t.Errorf("meeting: expected %v status %s, want a 2017 window, overdue", meet.Event.Expected, meet.Status)
	}
}
