package notify

import (
	"fmt"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// benchInput is a day of a busy digest: n stories over 40 feeds, a fifth of
// them in same-story clusters, a tenth near-duplicates, three topics, and
// n/10 events.
func benchInput(n int) (Spec, Input) {
	spec := Spec{Name: "morning", Subject: "storyline: morning", Topics: []string{"t0", "t1", "t2"}, MaxStories: 50,
		Upcoming: 7 * 24 * time.Hour, Grace: 2 * 24 * time.Hour}
	in := Input{Start: t0, End: end, After: 0}
	for i := 1; i <= n; i++ {
		s := story(int64(i), fmt.Sprintf("feed%d", i%40), fmt.Sprintf("story-%d about something that happened", i),
			topics(fmt.Sprintf("t%d", i%4)))
		s.Summary = "A summary of a few sentences, as feeds give them. It goes on for a while to look like a real one."
		switch {
		case i%5 == 0:
			s.Storyline = int64(i % 50)
		case i%10 == 1 && i > 1:
			s.DuplicateOf = int64(i - 1)
		}
		in.Stories = append(in.Stories, s)
	}
	for i := 1; i <= n/10; i++ {
		e := storyline.DigestEvent{ID: int64(i), Summary: "Leaders meet", Expected: end.Truncate(24 * time.Hour).Add(time.Duration(i%9-3) * 24 * time.Hour),
			Status: "pending", Anticipation: ref(int64(i), "anticipation", "t1")}
		if i%3 == 0 {
			e.Status, e.Relation, e.Outcome = "happened", "happened", ref(int64(n+i), "outcome", "t1")
		}
		in.Events = append(in.Events, e)
	}
	return spec, in
}

func BenchmarkCompose(b *testing.B) {
	spec, in := benchInput(2000)
	b.ReportAllocs()
	for b.Loop() {
		Compose(spec, in)
	}
}

func BenchmarkRender(b *testing.B) {
	spec, in := benchInput(2000)
	d := Compose(spec, in)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := RenderText(d); err != nil {
			b.Fatal(err)
		}
		if _, err := RenderHTML(d); err != nil {
			b.Fatal(err)
		}
		if _, err := RenderPayload(d); err != nil {
			b.Fatal(err)
		}
	}
}
