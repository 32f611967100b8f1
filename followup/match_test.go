package followup

import (
	"strings"
	"testing"
	"time"

	"github.com/storyline/storyline"
)

func at(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

// anticipation is the one event a story anticipates.
func anticipation(t *testing.T, title, body string, pub time.Time) storyline.Anticipation {
	t.Helper()
	a := Analyze(story(title, body, pub))
	if len(a.Events) != 1 {
		t.Fatalf("%q: %d events, want 1: %+v", title, len(a.Events), a.Events)
	}
	return a.Events[0]
}

func TestScore(t *testing.T) {
	opts := DefaultOptions()
	// Friday 3 March 2023: a call expected on Saturday.
	call := anticipation(t, "Biden, Xi expected to speak by phone on Saturday",
		"President Joe Biden and Chinese President Xi Jinping are expected to speak by phone on Saturday, the White House said.", friday)
	vote := anticipation(t, "Senate to vote on chips bill next week",
		"The Senate will vote on the chips bill next week, Majority Leader Chuck Schumer said.", friday)
	tests := []struct {
		name        string
		a           storyline.Anticipation
		title, body string
		pub         time.Time
		want        string // relation, or "" for no link
	}{
		{"realised next day", call, "Biden and Xi spoke by phone", "Biden and Xi spoke for two hours on Saturday.", at(2023, 3, 4, 20), "happened"},
		{"headline present tense", call, "Biden, Xi Hold First Call in Months", "", at(2023, 3, 5, 8), "happened"},
		{"done noun", call, "Biden-Xi call lasted two hours", "The call between Biden and Xi lasted two hours, officials said.", at(2023, 3, 4, 22), "happened"},
		{"cancelled before the date", call, "Biden-Xi call called off", "The planned call between Biden and Xi was called off.", at(2023, 3, 3, 20), "cancelled"},
		{"postponed", call, "Biden-Xi call postponed", "The call between Biden and Xi was postponed until next week.", at(2023, 3, 3, 22), "postponed"},
		{"another partner", call, "Biden and Kishida spoke by phone", "Biden and Japanese Prime Minister Fumio Kishida spoke on Saturday.", at(2023, 3, 4, 20), ""},
		{"other action", call, "Biden and Xi to meet in Bali", "Biden and Xi will meet in Bali next month.", at(2023, 3, 4, 20), ""},
		{"before the anticipation", call, "Biden and Xi spoke by phone", "Biden and Xi spoke on Thursday.", at(2023, 3, 2, 20), ""},
		{"a call weeks later", call, "Biden and Xi spoke by phone", "Biden and Xi spoke by phone.", at(2023, 4, 20, 20), ""},
		{"a dated call long before the window", call, "Biden and Xi spoke by phone", "Biden and Xi spoke by phone on Feb. 20.", at(2023, 3, 4, 20), ""},
		{"vote passes", vote, "Senate passes chips bill", "The Senate passed the chips bill on Tuesday by 64 votes to 33.", at(2023, 3, 7, 20), "happened"},
		{"vote rejected", vote, "Senate rejects chips bill", "The Senate rejected the chips bill on Wednesday.", at(2023, 3, 8, 20), "happened"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := Analyze(story(tc.title, tc.body, tc.pub))
			m, ok := opts.Score(&tc.a, out, nil)
			got := ""
			if ok {
				got = string(m.Relation)
			}
			if got != tc.want {
				t.Errorf("got %q (%+v), want %q; event %+v; outcomes %+v", got, m, tc.want, tc.a, out.Outcomes)
			}
			if ok && (m.Score < opts.Threshold || m.Score > 1 || !strings.Contains(m.Explanation, "terms")) {
				t.Errorf("score %v, explanation %q", m.Score, m.Explanation)
			}
		})
	}
}

// TestNoActorDiscount: a story naming none of an event's actors scores
// well below the same story naming them ("House passes chips bill" for
// "Senate to vote on chips bill"); whether it still links depends on how
// much else it shares.
func TestNoActorDiscount(t *testing.T) {
	opts := DefaultOptions()
	vote := anticipation(t, "Senate to vote on chips bill next week",
		"The Senate will vote on the chips bill next week, Majority Leader Chuck Schumer said.", friday)
	named, _ := opts.Score(&vote, Analyze(story("Senate passes chips bill", "The Senate passed the chips bill on Tuesday.", at(2023, 3, 7, 20))), nil)
	other, _ := opts.Score(&vote, Analyze(story("House passes chips bill", "The House passed the chips bill on Tuesday.", at(2023, 3, 7, 20))), nil)
	if other.Score >= noActor*named.Score {
		t.Errorf("House story scores %.3f, Senate story %.3f: want below %.1f of it", other.Score, named.Score, noActor)
	}
}

// TestCallOffNamesTheEvent: a call-off before the date names the event
// rather than who announced it ("Shutdown averted" for "White House
// prepares for a shutdown"), so it keeps its score without the actors; a
// call-off sharing little else is still discounted.
func TestCallOffNamesTheEvent(t *testing.T) {
	opts := DefaultOptions()
	shutdown := anticipation(t, "White House prepares for government shutdown as funding runs out",
		"The White House directed federal agencies to prepare for a government shutdown on Sunday as funding runs out.", friday)
	averted, ok := opts.Score(&shutdown, Analyze(story("Government shutdown averted as Congress passes funding bill",
		"Congress passed a stopgap funding bill hours before the deadline, averting a government shutdown.", at(2023, 3, 4, 22))), nil)
	if !ok || averted.Relation != storyline.Cancelled || averted.signals.Actor {
		t.Fatalf("averted: %+v, %v; want a cancellation naming no actor, linked", averted, ok)
	}
	if full := averted.signals.Dice + 0.1*averted.signals.Class + offBonus; averted.Score < full-0.001 {
		t.Errorf("averted scores %.3f, want %.3f: no discount for the missing actors", averted.Score, full)
	}
	other, _ := opts.Score(&shutdown, Analyze(story("Concert cancelled as storm nears",
		"Organisers called off the concert on Saturday, citing funding worries.", at(2023, 3, 4, 22))), nil)
	if other.Score >= opts.Threshold {
		t.Errorf("an unrelated call-off scores %.3f (signals %+v), want below %.2f", other.Score, other.signals, opts.Threshold)
	}
}

// TestLaterRound: a story reporting a later round reached is no outcome
// of the contest still ahead, but it is the outcome of the round it
// reports.
func TestLaterRound(t *testing.T) {
	opts := DefaultOptions()
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, time.UTC)
	preview := anticipation(t, "Song contest preview: favourites and odds",
		"The song contest, to be held in Lisbon, looks like one of the most open in years.", mon)
	semi := anticipation(t, "Second song contest semi-final on Thursday",
		"Eighteen countries will compete in the second semi-final of the song contest in Lisbon on Thursday.", mon)
	reached := Analyze(story("Israel and Cyprus reach the Song Contest final",
		"Israel and Cyprus qualified for the song contest final in Lisbon on Thursday night.", mon.Add(80*time.Hour)))
	if m, ok := opts.Score(&preview, reached, nil); ok {
		t.Errorf("a later round reached links to the contest ahead: %+v", m)
	}
	if m, ok := opts.Score(&semi, reached, nil); !ok || m.Relation != storyline.Happened {
		t.Errorf("the semi-final's own outcome is not linked: %+v, %v", m, ok)
	}
}

func TestStatus(t *testing.T) {
	opts := DefaultOptions() // grace 2 days
	dated := storyline.Anticipation{Published: friday, From: at(2023, 3, 4, 0), To: at(2023, 3, 4, 0)}
	undated := storyline.Anticipation{Published: friday}
	out := func(rel storyline.Relation, pub time.Time) storyline.ThreadOutcome {
		return storyline.ThreadOutcome{Relation: rel, Story: storyline.StoryRef{Published: pub}}
	}
	tests := []struct {
		name     string
		a        storyline.Anticipation
		outcomes []storyline.ThreadOutcome
		now      time.Time
		want     storyline.EventStatus
	}{
		{"before the date", dated, nil, at(2023, 3, 4, 10), storyline.Pending},
		{"within the grace", dated, nil, at(2023, 3, 6, 23), storyline.Pending},
		{"grace passed", dated, nil, at(2023, 3, 7, 1), storyline.StatusOverdue},
		{"years later", dated, nil, at(2026, 11, 21, 0), storyline.StatusOverdue},
		{"happened", dated, []storyline.ThreadOutcome{out(storyline.Happened, at(2023, 3, 4, 20))}, at(2026, 1, 1, 0), storyline.StatusHappened},
		{"cancelled", dated, []storyline.ThreadOutcome{out(storyline.Cancelled, at(2023, 3, 3, 20))}, at(2026, 1, 1, 0), storyline.StatusCancelled},
		{"postponed", dated, []storyline.ThreadOutcome{out(storyline.Postponed, at(2023, 3, 3, 20))}, at(2023, 3, 3, 21), storyline.StatusPostponed},
		{"postponed then cancelled", dated, []storyline.ThreadOutcome{out(storyline.Postponed, at(2023, 3, 3, 20)), out(storyline.Cancelled, at(2023, 3, 4, 1))}, at(2023, 3, 5, 0), storyline.StatusCancelled},
		{"cancelled yet happened", dated, []storyline.ThreadOutcome{out(storyline.Cancelled, at(2023, 3, 3, 20)), out(storyline.Happened, at(2023, 3, 4, 20))}, at(2023, 3, 5, 0), storyline.StatusHappened},
		{"undated, a week on", undated, nil, at(2023, 3, 10, 0), storyline.Pending},
		{"undated, past the search horizon", undated, nil, at(2023, 3, 25, 0), storyline.Pending}, // talks may take weeks
		{"undated, past 30 days", undated, nil, at(2023, 4, 3, 0), storyline.StatusOverdue},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := opts.Status(&tc.a, tc.outcomes, tc.now); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestScoreDomains: how news phrases planned and realised events of
// several kinds, each pair (anticipation, outcome) expected to link.
func TestScoreDomains(t *testing.T) {
	opts := DefaultOptions()
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, time.UTC) // a Monday
	tests := []struct {
		name              string
		antTitle, antBody string
		outTitle, outBody string
		outAfter          time.Duration
		want              string
	}{
		{"visit and arrival", "Macron to visit China on Wednesday", "French President Emmanuel Macron will travel to China on Wednesday for a three-day state visit.",
			"Macron arrives in Beijing", "Emmanuel Macron arrived in Beijing on Wednesday.", 50 * time.Hour, "happened"},
		{"product unveiling", "Apple expected to unveil new iPhone on Tuesday", "Apple is expected to unveil its new iPhone at an event in Cupertino on Tuesday.",
			"Apple unveils iPhone with new camera", "Apple unveiled its latest iPhone on Tuesday.", 30 * time.Hour, "happened"},
		{"verdict", "Jury to deliberate in Holmes fraud trial", "The jury in the fraud trial of Elizabeth Holmes is expected to reach a verdict this week.",
			"Holmes found guilty of fraud", "A jury found Elizabeth Holmes guilty of fraud on Thursday.", 75 * time.Hour, "happened"},
		{"landfall", "Hurricane Ian expected to make landfall in Florida on Wednesday", "Hurricane Ian is expected to make landfall on Florida's Gulf Coast on Wednesday.",
			"Hurricane Ian makes landfall in southwest Florida", "Ian came ashore near Cayo Costa on Wednesday afternoon.", 54 * time.Hour, "happened"},
		{"parliament vote", "UK lawmakers to vote on Brexit deal on Tuesday", "British lawmakers will vote on Prime Minister Theresa May's Brexit deal on Tuesday.",
			"UK Parliament rejects May's Brexit deal", "Britain's parliament rejected Theresa May's Brexit deal on Tuesday by 432 votes to 202.", 32 * time.Hour, "happened"},
		{"earnings", "Tesla to report earnings on Wednesday", "Tesla will report quarterly earnings after the bell on Wednesday.",
			"Tesla reports record profit", "Tesla reported quarterly earnings on Wednesday, beating estimates.", 58 * time.Hour, "happened"},
		{"rate decision", "Fed expected to raise rates on Wednesday", "The Fed is expected to raise interest rates by a quarter point on Wednesday.",
			"Fed raises rates again", "The Fed raised interest rates by a quarter point on Wednesday.", 56 * time.Hour, "happened"},
		{"strike averted", "Rail workers set to strike on Friday", "Members of the RMT union are set to strike on Friday.",
			"RMT strike called off after pay deal", "The RMT called off Friday's strike after a late pay offer.", 70 * time.Hour, "cancelled"},
		{"resignation", "Johnson expected to resign on Thursday", "Prime Minister Boris Johnson is expected to resign on Thursday, aides said.",
			"Boris Johnson resigns", "Boris Johnson resigned as Conservative leader on Thursday.", 75 * time.Hour, "happened"},
		{"rate hike", "Bank of England set to raise rates on Thursday", "The Bank of England is expected to raise interest rates on Thursday for the first time in a decade.",
			"Bank of England hikes rates for first time in a decade", "The Bank of England raised interest rates on Thursday.", 76 * time.Hour, "happened"},
		{"report released", "Inquiry report to be released on Wednesday", "The long-awaited report of the Grenfell inquiry will be published on Wednesday.",
			"Grenfell inquiry releases its report", "The inquiry released its final report on Wednesday, blaming decades of failures.", 55 * time.Hour, "happened"},
		{"knockout", "Joshua to fight Ruiz in New York on Saturday", "Anthony Joshua will defend his titles against Andy Ruiz at Madison Square Garden on Saturday.",
			"Ruiz knocks out Joshua in huge upset", "Andy Ruiz stopped Anthony Joshua in the seventh round on Saturday night.", 110 * time.Hour, "happened"},
		{"final won", "Liverpool face Tottenham in Champions League final on Saturday", "Liverpool will play Tottenham in the Champions League final in Madrid on Saturday.",
			"Liverpool beat Tottenham to win the Champions League", "Liverpool won the Champions League final 2-0 against Tottenham in Madrid on Saturday.", 110 * time.Hour, "happened"},
		{"election won", "Nigerians vote on Saturday in presidential election", "Nigerians will vote on Saturday to choose between Buhari and Abubakar.",
			"Buhari wins second term as Nigeria's president", "Muhammadu Buhari was declared the winner of Saturday's presidential election.", 120 * time.Hour, "happened"},
		{"touchdown", "Rover to touch down on Mars on Thursday", "NASA's Perseverance rover will land in Jezero crater on Thursday.",
			"Perseverance rover touches down on Mars", "NASA's Perseverance rover landed safely in Jezero crater on Thursday.", 80 * time.Hour, "happened"},
		{"execution stayed", "Texas set to execute Rodney Reed on Wednesday", "Texas is scheduled to execute Rodney Reed on Wednesday evening.",
			"Court stays Rodney Reed's execution", "The Texas Court of Criminal Appeals halted the execution of Rodney Reed on Friday.", 8 * time.Hour, "postponed"},
		{"film delayed", "New Bond film No Time to Die to be released in April", "No Time to Die, the latest James Bond film, will be released in April.",
			"Bond film No Time to Die delayed until November", "The release of No Time to Die has been pushed back to November because of the coronavirus.", 48 * time.Hour, "postponed"},
		{"ipo pulled", "WeWork to price IPO next week", "WeWork is expected to price its initial public offering next week.",
			"WeWork pulls IPO", "WeWork has withdrawn its planned initial public offering.", 8 * 24 * time.Hour, "cancelled"},
		{"jobs report", "US jobs report due on Friday", "The Labor Department will release its monthly jobs report on Friday.",
			"US economy adds 300,000 jobs in February, jobs report shows", "The US economy added 311,000 jobs in February, the Labor Department said on Friday.", 100 * time.Hour, "happened"},
		{"signing", "Biden to sign infrastructure bill on Monday", "President Joe Biden will sign the infrastructure bill at the White House on Monday.",
			"Biden signs infrastructure bill into law", "Biden signed the $1 trillion infrastructure bill into law on Monday.", 8 * time.Hour, "happened"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Analyze(story(tc.antTitle, tc.antBody, mon))
			out := Analyze(story(tc.outTitle, tc.outBody, mon.Add(tc.outAfter)))
			got := ""
			for i := range a.Events {
				if m, ok := opts.Score(&a.Events[i], out, nil); ok {
					got = string(m.Relation)
				}
			}
			if got != tc.want {
				t.Errorf("got %q, want %q\nevents %+v\noutcomes %+v", got, tc.want, a.Events, out.Outcomes)
			}
		})
	}
}
