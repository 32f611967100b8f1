package followup_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/storyline/storyline/followup"
)

// TestDebugDev prints the analysis of dev-set stories whose URL matches
// $FOLLOWUP_DEBUG; it does nothing otherwise.
func TestDebugDev(t *testing.T) {
	pat := os.Getenv("FOLLOWUP_DEBUG")
	if pat == "" {
		t.Skip("set FOLLOWUP_DEBUG to a URL pattern to print analyses")
	}
	re := regexp.MustCompile(pat)
	dir := sharedDir(t, "eval/followups-dev")
	files, _ := filepath.Glob(filepath.Join(dir, "feeds", "*.xml"))
	for _, s := range loadFeeds(t, files) {
		if !re.MatchString(s.URL) {
			continue
		}
		a := followup.Analyze(s)
		t.Logf("== %s %s\n  %s\n  keys=%v", s.Published.Format("2006-01-02 15:04"), s.URL, s.Title, a.Keys)
		for _, e := range a.Events {
			t.Logf("  EVENT %s [%s/%s] %v %s..%s", e.Summary, e.Class, e.Action, e.Actors, e.From.Format("01-02"), e.To.Format("01-02"))
		}
		for _, o := range a.Outcomes {
			t.Logf("  OUT %s %s/%s %v", o.Relation, o.Class, o.Lemma, o.When)
		}
	}
}
