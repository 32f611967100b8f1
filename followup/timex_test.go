package followup

import (
	"testing"
	"time"
)

// Friday 3 March 2023, noon UTC.
var friday = time.Date(2023, 3, 3, 12, 0, 0, 0, time.UTC)

func TestTimeExpressions(t *testing.T) {
	tests := []struct {
		text    string
		forward bool
		want    string // window, "" when none applies
	}{
		{"The leaders will meet on Saturday.", true, "2023-03-04"},
		{"The leaders will meet on Friday.", true, "2023-03-03"},
		{"The leaders will meet on Thursday.", true, "2023-03-09"},
		{"The leaders met on Thursday.", false, "2023-03-02"},
		{"The leaders met on Saturday.", false, "2023-02-25"},
		{"The leaders will meet on Monday next week.", true, "2023-03-06"},
		{"The leaders will meet on Friday next week.", true, "2023-03-10"},
		{"The commissioner gives a news conference at 1045 GMT.", true, "2023-03-03"},
		{"The leaders meet at 10:45 a.m. in Brussels.", true, "2023-03-03"},
		{"The vote is at 3 p.m. on Tuesday.", true, "2023-03-07"},
		{"The firm reported 2019 results.", true, ""},
		{"The verdict is due at noon", true, "2023-03-03"},
		{"Shoppers queued for Black Friday deals.", true, ""},
		{"She hosted Saturday Night Live for the first time.", true, ""},
		{"They play on Saturday night in Madrid.", true, "2023-03-04"},
		{"The regulator must rule by Friday.", true, "2023-03-10"}, // said on a Friday: a week away
		{"The regulator must rule by Monday.", true, "2023-03-06"},
		{"The vote is set for next Friday.", true, "2023-03-10"},
		{"The vote is set for next Tuesday.", true, "2023-03-07..2023-03-14"},
		{"They spoke last Friday.", false, "2023-02-24"},
		{"The talks are due on Sat. in Geneva.", true, "2023-03-04"},
		{"The summit is planned for March 21.", true, "2023-03-21"},
		{"The summit is planned for Jan. 10.", true, "2024-01-10"},
		{"The summit was held on Jan. 10.", false, "2023-01-10"},
		{"The summit was held on Dec. 30.", false, "2022-12-30"},
		{"The hearing is on 21 March 2024.", true, "2024-03-21"},
		{"The launch is set for Feb.28, 2023.", true, "2023-02-28"},
		{"The launch is set for Wednesday, March 8.", true, "2023-03-08"},
		{"The rocket will launch today.", true, "2023-03-03"},
		{"The rocket will launch tonight.", true, "2023-03-03"},
		{"The rocket will launch tomorrow.", true, "2023-03-04"},
		{"The rocket launched tomorrow.", false, ""},
		{"The rocket launched yesterday.", false, "2023-03-02"},
		{"The verdict is expected this week.", true, "2023-03-03..2023-03-05"},
		{"The verdict is expected next week.", true, "2023-03-06..2023-03-12"},
		{"The verdict came last week.", false, "2023-02-20..2023-02-26"},
		{"The strike begins this weekend.", true, "2023-03-04..2023-03-05"},
		{"The decision is due this month.", true, "2023-03-03..2023-03-31"},
		{"The decision is due next month.", true, "2023-04-01..2023-04-30"},
		{"They'll meet later in the year.", true, "2023-03-03..2023-12-31"},
		{"They will meet later this year.", true, "2023-03-03..2023-12-31"},
		{"The pair will meet in the coming days.", true, "2023-03-03..2023-03-10"},
		{"The election will be held in May.", true, "2023-05-01..2023-05-31"},
		{"The election will be held in January.", true, "2024-01-01..2024-01-31"},
		{"The law takes effect in 2025.", true, "2025-01-01..2025-12-31"},
		{"The storm is not expected to come ashore until early Sunday.", true, "2023-03-05"},
		{"The Friday meeting may change.", true, "2023-03-03"},
		{"He may change his mind.", true, ""},
		{"Congress passed a bill funding agencies until April 17.", false, "2023-04-17"},
		{"The House on Thursday rejected the bill.", true, ""}, // done that day, not next week
		{"The House on Thursday rejected the bill.", false, "2023-03-02"},
		{"A vote on Thursday expected to pass.", true, "2023-03-09"},
		{"Officials said on Friday the vote will be held later.", true, ""},
		{"BRUSSELS, March 3 (Reuters) - Regulators will block the merger.", true, ""}, // a dateline
		{"WASHINGTON March 3 The Senate will vote.", true, ""},
		{"The regulator will decide by Feb.", true, "2024-02-01..2024-02-29"},
		{"Jan will decide.", true, ""},
		{"Winners will be announced on March 15th.", true, "2023-03-15"},
		{"The union, in letters to members Thursday, said it will strike.", true, ""}, // said on Thursday
		{"They agreed to meet on March 10, said Abe.", true, "2023-03-10"},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			toks := tokenize(tc.text)
			es := findTimes(toks)
			got := ""
			if len(es) > 0 {
				if w, ok := es[0].resolve(friday, tc.forward); ok {
					got = w.String()
				}
			}
			if got != tc.want {
				t.Errorf("got %q, want %q (expressions %+v)", got, tc.want, es)
			}
		})
	}
}

func TestSentences(t *testing.T) {
	text := "U.S. President Donald Trump met Mr. Smith on Jan. 5 in Washington. The talks lasted an hour! \"We agreed,\" he said. Next, J. R. Ewing left.\nA new paragraph, view.php and 3.5 points.An official said.The leaders met."
	got := sentences(text)
	want := []string{
		"U.S. President Donald Trump met Mr. Smith on Jan. 5 in Washington.",
		"The talks lasted an hour!",
		"\"We agreed,\" he said.",
		"Next, J. R. Ewing left.",
		"A new paragraph, view.php and 3.5 points.", // lost spaces after sentences
		"An official said.",
		"The leaders met.",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d sentences %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentence %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestTokenize(t *testing.T) {
	got := []string{}
	for _, tk := range tokenize("AT&T-Time Warner's U.S. deal won't close Feb.10; Peña Nieto’s trip, 4:30 p.m.") {
		got = append(got, tk.low)
	}
	want := []string{"at&t", "-", "time", "warner", "'s", "us", "deal", "will", "n't", "close", "feb", "10", ";",
		"pena", "nieto", "'s", "trip", ",", "4:30", "p.m."}
	if len(got) != len(want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("token %d = %q, want %q (all %q)", i, got[i], want[i], got)
		}
	}
}

func TestTimeSpans(t *testing.T) {
	for text, want := range map[string]string{
		"Google will release the kit in two weeks.": "2023-03-14..2023-03-20",
		"The plant will close within 10 days.":      "2023-03-11..2023-03-15",
		"The verdict is due in a month.":            "2023-03-26..2023-04-09",
		"The launch was delayed two weeks ago.":     "",
	} {
		es := findTimes(tokenize(text))
		got := ""
		if len(es) > 0 {
			if w, ok := es[0].resolve(friday, true); ok {
				got = w.String()
			}
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", text, got, want)
		}
	}
}
