package followup

import (
	"testing"
	"time"

	"github.com/storyline/storyline"
)

// TestSignals: the story-level cues hold across kinds of event, people or
// not: whether a story announces an event, reports one, or calls one off.
// friday is Friday 3 March 2023.
func TestSignals(t *testing.T) {
	tests := []struct {
		name, title, body string
		announces         bool
		reports           bool
		relation          storyline.Relation
	}{
		{"regulator set to rule", "Regulator set to rule on the merger Wednesday", "The competition authority will publish its decision on the deal next week.", true, false, ""},
		{"rover to touch down", "Rover to touch down on Mars tonight", "The rover is 300 million miles from Earth.", true, false, ""},
		{"what to expect", "What to expect from Thursday's rate decision", "Economists see a quarter-point rise.", true, false, ""},
		{"strike to go ahead", "Union says strike to go ahead on Monday", "Talks broke down late on Thursday.", true, true, ""}, // and reports the talks
		{"ahead of the final", "Ahead of the final, fans gather in Madrid", "Thousands of supporters gathered on Friday.", true, true, ""},
		{"report released", "Report to be released Thursday", "The inquiry's findings will be published at noon.", true, false, ""},
		{"a headline naming a day ahead", "LIGO announcement on Thursday", "Physicists have scheduled a news conference.", true, false, ""},
		{"lead looks ahead", "Senate and the chips bill", "The Senate is poised to vote on the bill on Tuesday.", true, false, ""},
		{"headed for, then a question", "Rover headed for Mars landing. Are you ready?", "The nuclear-powered rover is 300 million miles from Earth.", true, false, ""},
		{"a question asserts nothing", "Will the summit go ahead?", "Nobody knows.", false, true, ""},
		{"a plan, then a question", "Shooter game to launch Tuesday; can it save the console?", "Reviewers have had copies for a week.", true, false, ""},
		{"a topic, then a question", "Console price war: will the new game help?", "Prices fell by a third in February.", false, true, ""},
		{"rates raised", "Interest rates raised for first time in ten years", "The central bank has increased rates to 0.5%.", false, true, ""},
		{"reported, then looking ahead", "May safe as leader", "Theresa May has won a confidence vote and will remain as leader.", false, true, ""},
		{"purpose, not future", "France beat Croatia 4-2 to win the World Cup", "France won their second title on Sunday.", false, true, ""},
		{"agree to hold, after a call", "Abe, Trump agree to hold summit on Feb. 10", "Abe and Trump agreed during a telephone conversation on Saturday to hold talks.", true, true, ""},
		{"a commitment after a report", "Mayor and governor met, agree to split tunnel costs", "On Thursday, the mayor and the governor met and agreed to split the cost.", false, true, ""},
		{"called off", "Joshua-Miller fight off after failed test", "The June 1 bout will not go ahead.", false, true, storyline.Cancelled},
		{"scrubbed", "Launch scrubbed because of weather", "The rocket will not fly today.", false, true, storyline.Cancelled},
		{"averted", "Rail strike averted with tentative deal", "Unions and railroads reached an agreement.", false, true, storyline.Cancelled},
		{"postponed", "Election postponed by a week", "The commission announced the delay hours before polls opened.", false, true, storyline.Postponed},
		{"stay of execution", "Court grants stay of execution", "The inmate was due to die on Wednesday.", false, true, storyline.Postponed},
		{"could delay is no cue", "Games will go ahead, committee says", "Officials fear the virus could delay or even cancel the event.", true, false, ""},
		{"background delay is no cue", "Execution set for Wednesday", "The inmate is scheduled to die, two weeks after his death was delayed by a court.", true, false, ""},
		{"a modifier opens the lead", "Champion takes on challenger in US debut", "Undefeated champion Joshua will defend his titles against Miller on Saturday.", true, false, ""},
		{"a report looking ahead to a time", "Leader and the confidence vote", "The prime minister conceded defeat ahead of a no-confidence vote on Saturday in parliament.", true, true, ""},
		{"stays in power is no cue", "Leader stays in power after vote", "The leader survived the challenge.", false, true, ""},
		{"a headline's after gives the news", "Governor responds after issuing stay of execution", "The inmate had been due to die on Wednesday.", false, true, storyline.Postponed},
		{"in anticipation of", "Storm worries the coast", "The governor declared a state of emergency in anticipation of the storm, which could get stronger.", true, false, ""},
		{"announces one thing, reports the meeting", "Leaders hold summit at the border", "President Moon Jae-in and leader Kim Jong-un will jointly announce the outcome of their summit on Friday, an official said.The leaders met at the border early Friday.", true, true, ""},
		{"won't go ahead", "Concert won't go ahead", "Organisers blamed the storm.", false, true, storyline.Cancelled},
		{"pulled from", "Team pulled from the final", "The club withdrew after a ruling.", false, true, storyline.Cancelled},
		{"rained out", "Cup final rained out", "Play will resume on Monday.", false, true, storyline.Cancelled},
		{"deferred", "Council defers vote on the budget", "Members asked for more time.", false, true, storyline.Postponed},
		{"put back", "Hearing put back to March", "The judge granted the request.", false, true, storyline.Postponed},
		{"adjourned", "Trial adjourned after juror falls ill", "The court sat for an hour.", false, true, storyline.Postponed},
		{"a title's to is no aim", "Bond film No Time to Die delayed until November", "The studio blamed the pandemic.", false, true, storyline.Postponed},
		{"pulls its IPO", "WeWork pulls IPO", "The company has withdrawn its planned share sale.", false, true, storyline.Cancelled},
		{"pulls in is no call-off", "Film pulls in millions on opening weekend", "The film took $50m at the box office.", false, true, ""},
		{"a month just gone", "US economy adds 300,000 jobs in February", "Employers added more jobs than expected last month.", false, true, ""},
		{"a call-off in the background", "Germany prepares for the king's visit", "The king will arrive in Berlin on Wednesday for a state visit, after a planned trip to France was postponed amid protests.", true, false, ""},
		{"lifts off is no call-off", "Moon rocket lifts off", "The rocket rose from the launch pad at dawn.", false, true, ""},
		{"the Fed is no past verb", "Live updates: Fed decision on Wednesday", "Markets wait for the central bank.", true, false, ""},
		{"polls close", "Polls close in general election", "Counting has begun across the country.", true, true, ""},
		{"cancelled as a precaution", "Airline cancels flights", "The airline said it has canceled all flights scheduled for Saturday ahead of the hurricane's expected landfall.", true, true, ""},
		{"forced to be cancelled", "Boxer apologises after failed test", "The boxer apologised after failed drug tests forced his June fight to be cancelled.", false, true, storyline.Cancelled},
		{"what would have been", "Shutdown updates", "The government seemed to be heading for what would have been its longest shutdown, until a stopgap bill was signed late on Thursday.", false, true, storyline.Cancelled},
		{"brakes on", "Why the listing waits", "The company yesterday slammed the brakes on its share sale, sources said.", false, true, storyline.Postponed},
		{"drops out", "Champion drops out of the open", "The defending champion withdrew with a back injury.", false, true, storyline.Cancelled},
		{"falls through", "Takeover deal falls through", "Talks between the two companies ended without agreement.", false, true, storyline.Cancelled},
		{"may not take place is no call-off", "The vote may not take place", "Officials are unsure.", false, true, ""},
		{"feared call-off is none", "Fans fear the final won't go ahead", "Officials are unsure.", false, true, ""},
		{"build-up to", "Live: build-up to the title fight", "Fans are filling the arena.", true, false, ""},
		{"before the final", "Photos: the two teams warm up before the final", "Players trained in the rain.", true, true, ""}, // and reports the training
		{"polls open", "Polls open in referendum on constitutional reform", "Voting booths across the country are open.", true, false, ""},
		{"started voting", "Referendum on reform", "Voters started voting on Friday in a referendum on the constitution.", true, true, ""},
		{"head to the polls", "Germans head to the polls", "Voters choose a new parliament.", true, false, ""},
		{"has spoken before the final", "Coach video", "The coach has spoken to the media before the cup final. Speaking before the game, he was asked about luck.", true, false, ""},
		{"a lead's simple past before the vote", "Minister quits", "The minister resigned before the vote in parliament.", false, true, ""},
		{"after reaching QFs", "Coach eyes rivals after reaching QFs", "The coach said his focus was on beating their rivals in the last pool game.", true, true, ""},
		{"resigned before the vote", "Minister resigned before the vote", "The minister left office.", false, true, ""},
		{"looked certain is no report", "Shutdown imminent as chambers split", "The government looked all but certain to shut down on Sunday.", true, false, ""},
		{"blocked a planned merger", "Regulator blocks rail merger", "The regulator on Friday blocked a planned merger of the two groups.", false, true, ""},
		{"great to see you is no future", "Host to senator: 'It's great to see you here'", "The host greeted the senator.", false, true, ""},
		{"a quote addressed to someone", "Whistleblower to Tech Summit: I'd do it again", "The whistleblower spoke by video link.", false, true, ""},
		{"a copula before to is no future", "Company is spending heavily to woo lawmakers", "Lobbying rose sharply last year.", false, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			an := Analyze(story(tc.title, tc.body, friday))
			if an.Announces() != tc.announces || an.Reports() != tc.reports || an.sig.relation != tc.relation {
				t.Errorf("announces %v reports %v relation %q, want %v %v %q; signals %+v",
					an.Announces(), an.Reports(), an.sig.relation, tc.announces, tc.reports, tc.relation, an.sig)
			}
			if tc.announces && len(an.Events) == 0 {
				t.Errorf("announces but no event")
			}
		})
	}
}

// TestLooksAheadTo: a story whose headline looks ahead to an event reports
// no outcome of it, whatever its lead reports, but may report an earlier one.
func TestLooksAheadTo(t *testing.T) {
	saturday := window{addDays(day(friday), 1), addDays(day(friday), 1)}
	tests := []struct {
		title, body string
		win         window
		want        bool
	}{
		{"Storm expected to strike the coast as a major hurricane", "The storm has strengthened to a category 3 hurricane.", saturday, true},
		{"Two countries to hold talks on Saturday", "The two sides agreed on Thursday to meet.", saturday, true},
		{"Leaders agree to hold summit on March 20", "The leaders agreed during a telephone call on Friday to meet.", window{day(friday), day(friday)}, false},
		{"Storm strikes the coast", "The storm made landfall on Saturday.", saturday, false},
	}
	for _, tc := range tests {
		if got := Analyze(story(tc.title, tc.body, friday)).looksAheadTo(tc.win, ""); got != tc.want {
			t.Errorf("%q looks ahead to %s: %v, want %v", tc.title, tc.win, got, tc.want)
		}
	}
	// A stale headline over a lead reporting the event's action done in
	// the window reports it.
	thursday := window{addDays(day(friday), -1), addDays(day(friday), -1)}
	stale := Analyze(story("First photo of a black hole expected soon", "Scientists revealed the first photo of a black hole on Thursday.", friday))
	if !stale.looksAheadTo(thursday, "") || stale.looksAheadTo(thursday, "announce") {
		t.Errorf("stale headline: looks ahead %v without the event's class, %v with it; want true, false",
			stale.looksAheadTo(thursday, ""), stale.looksAheadTo(thursday, "announce"))
	}
}

// TestOverlapWeighsRarity: a shared rare term counts for more than a
// shared common one, and an event shares nothing with an unrelated story.
func TestOverlapWeighsRarity(t *testing.T) {
	r := fakeRarity{"nasa": 900, "rover": 20, "land": 300, "mar": 150, "insight": 5, "elect": 800}
	w := weigher{r: r}
	event := []string{"nasa", "insight", "land", "mar"}
	rare := w.overlap(event, []string{"insight", "touch", "down"})
	common := w.overlap(event, []string{"nasa", "touch", "down"})
	if rare.dice <= common.dice {
		t.Errorf("sharing the rare term: %.3f, the common one: %.3f", rare.dice, common.dice)
	}
	if o := w.overlap(event, []string{"elect", "vote"}); o.dice != 0 || len(o.shared) != 0 {
		t.Errorf("unrelated story: %+v", o)
	}
	// The story side weighed beforehand gives the same figures.
	if a, b := w.overlap(event, []string{"insight", "land"}), w.overlapStory(event, w.story([]string{"insight", "land"})); a.dice != b.dice || a.cover != b.cover {
		t.Errorf("overlap %+v, overlapStory %+v", a, b)
	}
}

type fakeRarity map[string]int64

func (f fakeRarity) DocFreqs(words []string, df []int64) int64 {
	for i, w := range words {
		df[i] = f[w]
	}
	return 1000
}

// TestIsPerson: an actor of two words keyed by one of them is a person,
// unless the key names a people ("Undefeated British superstar ...").
func TestIsPerson(t *testing.T) {
	tests := []struct {
		name, key string
		want      bool
	}{
		{"Xi Jinping", "xi", true},
		{"Anthony Joshua", "joshua", true},
		{"Undefeated British", "british", false},
		{"Trump", "trump", false},
		{"European Union", "european union", false},
	}
	for _, tc := range tests {
		if got := isPerson(storyline.Actor{Name: tc.name, Key: tc.key}); got != tc.want {
			t.Errorf("isPerson(%s/%s) = %v, want %v", tc.name, tc.key, got, tc.want)
		}
	}
}

// TestAnnouncementWordings: the many ways a story looks ahead, with the
// day it names (made-up, of real shapes).
func TestAnnouncementWordings(t *testing.T) {
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, time.UTC) // a Monday
	tests := []struct{ title, body, when string }{
		{"Fed decision looms", "The Federal Reserve announces its rate decision on Wednesday.", "2023-03-08"},
		{"All eyes on Fed as rate decision nears", "Investors await the Federal Reserve's decision on Wednesday.", "2023-03-08"},
		{"Apple event: what we know so far", "Apple holds its annual iPhone event on Tuesday in Cupertino.", "2023-03-07"},
		{"Starship: SpaceX targets Thursday for first flight", "SpaceX is targeting Thursday for the first launch of its Starship rocket.", "2023-03-09"},
		{"Jury selection begins in Murdaugh trial", "Closing arguments are expected on Thursday.", "2023-03-09"},
		{"The countdown is on: Eurovision final this Saturday", "Twenty-six countries compete in Liverpool.", "2023-03-11"},
		{"Senate readies vote on Ukraine aid", "The Senate is preparing to vote on the aid package on Wednesday.", "2023-03-08"},
		{"Strike looms as talks fail", "Rail workers could walk out on Friday after talks broke down.", "2023-03-10"},
		{"Lawmakers plan vote on gun bill Thursday", "House Democrats plan to bring the bill to the floor on Thursday.", "2023-03-09"},
		{"Ruling due on Trump ballot case", "The Supreme Court is due to rule on the Colorado case on Monday.", "2023-03-06"},
		{"Harris, Trump face off in debate Tuesday", "Kamala Harris and Donald Trump meet in Philadelphia for their first debate on Tuesday.", "2023-03-07"},
		{"Government shutdown deadline approaches", "Congress has until midnight Friday to pass a funding bill.", "2023-03-10"},
		{"Voters in Turkey head to polls Sunday", "Turks vote on Sunday in a presidential runoff.", "2023-03-12"},
		{"Nvidia earnings preview", "Nvidia reports quarterly results after the bell on Wednesday.", "2023-03-08"},
		{"Macron set for China trip", "French President Emmanuel Macron travels to Beijing on Wednesday.", "2023-03-08"},
		{"Final showdown: Djokovic vs Alcaraz", "Novak Djokovic and Carlos Alcaraz meet in the Wimbledon final on Saturday.", "2023-03-11"},
		{"Pope Francis begins Africa trip", "Pope Francis arrives in Kinshasa on Tuesday.", "2023-03-07"},
		{"Obama to speak at convention", "Barack Obama speaks on Wednesday night at the Democratic National Convention.", "2023-03-08"},
		{"Taylor Swift's Eras tour hits Wembley this weekend", "Taylor Swift plays three nights at Wembley Stadium starting on Friday.", "2023-03-11"},
		{"New Oasis album out Friday", "The band's first album in 15 years is released on Friday.", "2023-03-10"},
		{"Tube strike: what you need to know", "London Underground workers walk out on Wednesday in a dispute over pensions.", "2023-03-08"},
		{"Doctors in England to strike for three days from Monday next week", "Junior doctors will walk out for 72 hours.", "2023-03-13"},
		{"WHO to decide whether mpox is a global emergency", "The World Health Organization's emergency committee meets on Thursday.", "2023-03-09"},
		{"FDA panel weighs Alzheimer's drug Friday", "Advisers to the Food and Drug Administration meet on Friday to review the drug.", "2023-03-10"},
		{"Exam results day: A-level results out Thursday", "Students in England receive their A-level results on Thursday.", "2023-03-09"},
		{"Eurostar trains resume Tuesday after strike", "Eurostar services will run again from Tuesday.", "2023-03-07"},
		{"Oscar nominations announced Tuesday", "The Academy will reveal its nominations on Tuesday morning.", "2023-03-07"},
		{"Pope to canonise two saints on Sunday", "Pope Francis will canonise two new saints in St Peter's Square on Sunday.", "2023-03-12"},
		{"Tesla shareholders vote on Musk pay package Thursday", "Tesla shareholders meet on Thursday to vote on Elon Musk's pay.", "2023-03-09"},
		{"Heathrow third runway decision expected within weeks", "Ministers will decide on the expansion in the coming weeks.", "2023-03-06"},
		{"Marathon runners set off on Saturday", "More than 40,000 runners take part in Saturday's race.", "2023-03-11"},
		{"Climate talks open in Dubai on Thursday", "Delegates from nearly 200 countries gather in Dubai on Thursday for COP28.", "2023-03-09"},
	}
	for _, tc := range tests {
		t.Run(tc.title, func(t *testing.T) {
			a := Analyze(story(tc.title, tc.body, mon))
			got := "none"
			if a.Announces() && len(a.Events) > 0 {
				got = ""
				if a.Events[0].HasTime() {
					got = a.Events[0].From.Format(time.DateOnly)
				}
			}
			if got != tc.when {
				t.Errorf("got %q want %q; sig %+v events %+v", got, tc.when, a.sig, a.Events)
			}
		})
	}
}
