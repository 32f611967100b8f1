package followup

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// DumpAnalysis renders everything an Analysis holds, unexported fields
// included, so that the golden test sees any change of result.
func DumpAnalysis(a *Analysis) string {
	var b strings.Builder
	fmt.Fprintf(&b, "published %s\ntitle %q\nkeys %q\n", a.Published.Format(time.RFC3339Nano), a.Title, a.Keys)
	for _, e := range a.Events {
		fmt.Fprintf(&b, "event %#v\n", e)
	}
	for _, o := range a.Outcomes {
		fmt.Fprintf(&b, "outcome %#v\n", o)
	}
	fmt.Fprintf(&b, "outcome keys %q\n", a.OutcomeKeys())
	fmt.Fprintf(&b, "terms %q\nwords %q\n", a.terms, a.words)
	stems := make([]string, 0, len(a.stemSet()))
	for s := range a.stemSet() {
		stems = append(stems, s)
	}
	sort.Strings(stems)
	fmt.Fprintf(&b, "stems %q\n", stems)
	return b.String()
}

// SetReach sets how far back the linker's memory reaches; a negative reach
// leaves every look-up to the store.
func SetReach(l *Linker, d time.Duration) { l.reach = d }
