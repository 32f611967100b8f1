package followup

// TEMPORARY development trace; removed before commit.

import (
	"encoding/json"
	"os"
	"sync"

	"github.com/storyline/storyline"
)

var traceMu sync.Mutex
var traceFile = func() *os.File {
	p := os.Getenv("FOLLOWUP_TRACE")
	if p == "" {
		return nil
	}
	f, _ := os.Create(p)
	return f
}()

var traceStory int64

func traceScore(w *weigher, a *storyline.Anticipation, sid int64, out *Analysis, m Match, ok bool, kind string) {
	if traceFile == nil {
		return
	}
	ov := w.overlap(a.Terms, out.Terms)
	traceMu.Lock()
	defer traceMu.Unlock()
	b, _ := json.Marshal(map[string]any{"kind": kind, "a": a.StoryID, "ev": a.ID, "root": a.RootID(), "s": sid, "title": out.Title, "cover": ov.cover, "dice": ov.dice, "shared": ov.shared, "score": m.Score, "ok": ok, "rel": m.Relation, "atitle": a.Summary, "why": m.Explanation + m.gate})
	traceFile.Write(append(b, '\n'))
}
