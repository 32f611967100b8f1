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
// reports, and announces the round reached.
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
	// And the round reached is ahead: the story announces it.
	won := Analyze(story("Israel wins the Song Contest", "Israel won the song contest final in Lisbon on Saturday night.", mon.Add(5*24*time.Hour+20*time.Hour)))
	if linked := relationTo(opts, reached, won) != ""; !reached.Announces() || !linked {
		t.Errorf("the final reached is not announced (%v) or not linked to its winner (%v): %+v", reached.Announces(), linked, reached.Events)
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
		{"fda approval", "FDA to decide on Alzheimer's drug by Friday", "The Food and Drug Administration is due to rule on Biogen's application for its Alzheimer's drug by Friday.",
			"FDA approves Biogen Alzheimer's drug", "The U.S. Food and Drug Administration on Friday approved Biogen's drug for Alzheimer's disease.", 100 * time.Hour, "happened"},
		{"fda delay", "FDA to decide on Alzheimer's drug by Friday", "The Food and Drug Administration is due to rule on Biogen's application for its Alzheimer's drug by Friday.",
			"FDA extends review of Biogen Alzheimer's drug by three months", "The FDA has pushed back its decision on Biogen's Alzheimer's drug to June.", 50 * time.Hour, "postponed"},
		{"oscars", "Oscars 2023: ceremony on Sunday night in Los Angeles", "The 95th Academy Awards will be handed out on Sunday at the Dolby Theatre in Los Angeles.",
			"Everything Everywhere All at Once wins best picture at the Oscars", "Everything Everywhere All at Once won best picture at the 95th Academy Awards on Sunday.", 7*24*time.Hour - 9*time.Hour + 30*time.Hour, "happened"},
		{"grammys postponed", "Grammy Awards to be held on Sunday in Los Angeles", "The Grammy Awards ceremony will take place on Sunday at the Crypto.com Arena.",
			"Grammys postponed over Covid surge", "The Recording Academy postponed the Grammy Awards ceremony, citing the risks of the omicron variant.", 30 * time.Hour, "postponed"},
		{"bridge opening", "New Champlain bridge to open to traffic on Thursday", "The new Samuel De Champlain Bridge will open to traffic on Thursday morning, officials said.",
			"New Champlain bridge opens to traffic", "Drivers crossed the new Samuel De Champlain Bridge on Thursday as it opened to traffic.", 75 * time.Hour, "happened"},
		{"teachers strike called off", "Teachers set to strike on Wednesday over pay", "Teachers in Chicago are set to walk out on Wednesday after talks over pay stalled.",
			"Chicago teachers' strike called off after deal", "The Chicago Teachers Union called off Wednesday's strike after reaching a tentative deal.", 40 * time.Hour, "cancelled"},
		{"teachers strike begins", "Teachers set to strike on Wednesday over pay", "Teachers in Chicago are set to walk out on Wednesday after talks over pay stalled.",
			"Chicago teachers walk out as strike begins", "Thousands of Chicago teachers went on strike on Wednesday.", 52 * time.Hour, "happened"},
		{"cybertruck unveiled", "Tesla to unveil Cybertruck on Thursday", "Tesla will unveil its electric pickup, the Cybertruck, at an event in Los Angeles on Thursday.",
			"Tesla unveils Cybertruck", "Elon Musk unveiled the Cybertruck on Thursday night in Los Angeles.", 80 * time.Hour, "happened"},
		{"chauvin verdict", "Verdict expected this week in Chauvin trial", "The jury in the trial of Derek Chauvin began deliberations on Monday.",
			"Chauvin found guilty of murder", "A jury found former police officer Derek Chauvin guilty of murder on Tuesday.", 30 * time.Hour, "happened"},
		{"launch scrubbed", "SpaceX to launch Starlink satellites on Tuesday", "SpaceX will launch 60 Starlink satellites from Cape Canaveral on Tuesday morning.",
			"SpaceX scrubs Starlink launch because of weather", "SpaceX called off Tuesday's launch of 60 Starlink satellites because of high winds.", 25 * time.Hour, "cancelled"},
		{"launch done", "SpaceX to launch Starlink satellites on Tuesday", "SpaceX will launch 60 Starlink satellites from Cape Canaveral on Tuesday morning.",
			"SpaceX launches 60 more Starlink satellites", "A Falcon 9 rocket lifted off from Cape Canaveral on Tuesday carrying 60 Starlink satellites.", 27 * time.Hour, "happened"},
		{"summit cancelled", "Trump and Kim to meet in Singapore on June 12", "President Donald Trump will meet North Korean leader Kim Jong Un in Singapore on June 12.",
			"Trump cancels summit with Kim", "President Donald Trump on Thursday called off his planned summit with Kim Jong Un.", 72 * time.Hour, "cancelled"},
		{"merger vote", "Shareholders to vote on Disney-Fox deal on Friday", "Disney and Fox shareholders will vote on the $71 billion deal on Friday.",
			"Shareholders approve Disney-Fox deal", "Shareholders of Disney and Fox approved the $71 billion deal on Friday.", 100 * time.Hour, "happened"},
		{"concert cancelled", "Adele to play Hyde Park on Saturday", "Adele will perform at London's Hyde Park on Saturday.",
			"Adele cancels Hyde Park concert", "Adele has cancelled her Hyde Park concert on Saturday because of illness.", 80 * time.Hour, "cancelled"},
		{"tennis final", "Djokovic to face Nadal in French Open final on Sunday", "Novak Djokovic will play Rafael Nadal in the French Open final on Sunday.",
			"Nadal beats Djokovic to win French Open", "Rafael Nadal beat Novak Djokovic in straight sets on Sunday to win his 13th French Open title.", 6*24*time.Hour + 10*time.Hour, "happened"},
		{"runoff", "Georgia runoff elections on Tuesday", "Voters in Georgia will go to the polls on Tuesday in two Senate runoffs.",
			"Warnock wins Georgia Senate runoff", "Democrat Raphael Warnock won Tuesday's runoff election in Georgia.", 40 * time.Hour, "happened"},
		{"climate deal", "Climate summit expected to reach deal on Friday", "Negotiators at the COP26 summit in Glasgow are expected to reach a deal on Friday.",
			"COP26 summit agrees Glasgow climate pact", "Nearly 200 countries agreed the Glasgow Climate Pact at the COP26 summit on Saturday.", 5*24*time.Hour + 10*time.Hour, "happened"},
		{"court ruling", "Supreme Court to rule on abortion case on Friday", "The Supreme Court is expected to issue its ruling in the Mississippi abortion case on Friday.",
			"Supreme Court overturns Roe v. Wade", "The Supreme Court on Friday overturned Roe v. Wade in the Mississippi case.", 100 * time.Hour, "happened"},
		{"budget", "Chancellor to deliver budget on Wednesday", "Chancellor Rishi Sunak will deliver his budget to Parliament on Wednesday.",
			"Sunak delivers budget", "Rishi Sunak delivered his budget to MPs on Wednesday.", 53 * time.Hour, "happened"},
		{"strike suspended", "Nurses to strike on Thursday", "Nurses in New Zealand will strike on Thursday over pay.",
			"Nurses suspend strike", "The nurses' union suspended Thursday's strike after a new offer.", 50 * time.Hour, "cancelled"},
		{"march cancelled", "Protesters plan march on Saturday in Hong Kong", "Organisers plan a march through Hong Kong on Saturday.",
			"Hong Kong march cancelled after police ban", "Organisers cancelled Saturday's march in Hong Kong after police refused permission.", 70 * time.Hour, "cancelled"},
		{"pope visit", "Pope Francis to visit Iraq on Friday", "Pope Francis will travel to Iraq on Friday for a four-day visit.",
			"Pope Francis arrives in Iraq", "Pope Francis arrived in Baghdad on Friday at the start of a historic visit.", 100 * time.Hour, "happened"},
		{"marathon", "London Marathon to go ahead on Sunday", "The London Marathon will take place on Sunday with 40,000 runners.",
			"Kipchoge wins London Marathon", "Eliud Kipchoge won the London Marathon on Sunday.", 6*24*time.Hour + 10*time.Hour, "happened"},
		{"match abandoned", "England play India in Test at Lord's on Thursday", "England will face India at Lord's on Thursday.",
			"England v India Test abandoned without a ball bowled", "The Test between England and India at Lord's was abandoned on Thursday because of rain.", 75 * time.Hour, "cancelled"},
		{"trial postponed", "Weinstein trial set to begin on Monday", "The trial of Harvey Weinstein is set to begin on Monday in Los Angeles.",
			"Weinstein trial postponed", "A judge postponed the trial of Harvey Weinstein by two weeks.", 3 * time.Hour, "postponed"},
		{"eclipse seen", "Total solar eclipse to cross North America on Monday", "A total solar eclipse will cross Mexico, the United States and Canada on Monday.",
			"Millions watch total solar eclipse across North America", "Millions of people watched the total solar eclipse on Monday.", 8 * time.Hour, "happened"},
		{"spacecraft arrives", "Juno spacecraft to arrive at Jupiter on Monday", "NASA's Juno spacecraft will enter orbit around Jupiter on Monday night.",
			"Juno enters orbit around Jupiter", "NASA's Juno spacecraft entered orbit around Jupiter late on Monday.", 20 * time.Hour, "happened"},
		{"slug headline, lead cue", "Apple event september iphone", "Apple will hold an event on Tuesday at which it is expected to unveil new iPhones.",
			"Apple unveils iPhone 15 with USB-C", "Apple on Tuesday unveiled the iPhone 15, which charges over USB-C.", 30 * time.Hour, "happened"},
		{"result as score", "Argentina and France meet in World Cup final on Sunday", "Argentina will play France in the World Cup final in Qatar on Sunday.",
			"Argentina 3-3 France (4-2 pens): Messi lifts World Cup", "Argentina beat France on penalties on Sunday to win the World Cup.", 6*24*time.Hour + 12*time.Hour, "happened"},
		{"talks collapse", "Union and company to resume talks on Thursday", "The union and the company will resume contract talks on Thursday.",
			"Talks between union and company collapse", "Contract talks between the union and the company broke down on Thursday.", 75 * time.Hour, "happened"},
		{"vote delayed lead", "Senate vote on nominee", "The Senate is scheduled to vote on Thursday on the nomination of Brett Kavanaugh.",
			"Kavanaugh vote delayed for FBI inquiry", "The Senate vote on Brett Kavanaugh's nomination was delayed by a week to allow an FBI investigation.", 50 * time.Hour, "postponed"},
		{"confirmed", "Senate to vote on Kavanaugh on Saturday", "The Senate will hold a final vote on Brett Kavanaugh's nomination on Saturday.",
			"Kavanaugh confirmed to Supreme Court", "The Senate confirmed Brett Kavanaugh to the Supreme Court on Saturday by 50 votes to 48.", 5*24*time.Hour + 10*time.Hour, "happened"},
		{"wedding", "Prince Harry and Meghan Markle to marry on Saturday", "Prince Harry and Meghan Markle will marry at Windsor Castle on Saturday.",
			"Prince Harry and Meghan Markle marry at Windsor", "Prince Harry and Meghan Markle were married at St George's Chapel, Windsor, on Saturday.", 5*24*time.Hour + 10*time.Hour, "happened"},
		{"funeral", "Queen's funeral to be held on Monday", "The state funeral of Queen Elizabeth II will take place at Westminster Abbey on Monday.",
			"World leaders attend Queen's funeral", "The funeral of Queen Elizabeth II took place at Westminster Abbey on Monday.", 8 * time.Hour, "happened"},
		{"coronation", "King Charles to be crowned on Saturday", "King Charles III will be crowned at Westminster Abbey on Saturday.",
			"King Charles crowned at Westminster Abbey", "Charles III was crowned king at Westminster Abbey on Saturday.", 5*24*time.Hour + 10*time.Hour, "happened"},
		{"results announced", "Exam results to be published on Thursday", "A-level results will be published on Thursday for students in England.",
			"A-level results: top grades fall", "A-level results published on Thursday showed fewer top grades.", 75 * time.Hour, "happened"},
		{"iPO priced", "Arm to price IPO on Wednesday", "Arm Holdings is expected to price its initial public offering on Wednesday.",
			"Arm prices IPO at $51 a share", "Arm Holdings priced its initial public offering at $51 a share on Wednesday.", 55 * time.Hour, "happened"},
		{"shares debut", "Arm set to debut on Nasdaq on Thursday", "Shares of Arm Holdings are set to begin trading on the Nasdaq on Thursday.",
			"Arm shares jump 25% in Nasdaq debut", "Arm's shares rose 25% in their first day of trading on the Nasdaq on Thursday.", 80 * time.Hour, "happened"},
		{"inauguration", "Biden to be sworn in on Wednesday", "Joe Biden will be sworn in as president on Wednesday at the Capitol.",
			"Biden sworn in as 46th president", "Joe Biden was sworn in as the 46th president of the United States on Wednesday.", 55 * time.Hour, "happened"},
		{"referendum result", "Scots vote in independence referendum on Thursday", "Scotland will vote on Thursday on whether to become independent.",
			"Scotland rejects independence", "Scottish voters rejected independence in Thursday's referendum by 55% to 45%.", 4 * 24 * time.Hour, "happened"},
		{"speech", "Obama to address the nation on Tuesday", "President Obama will address the nation on Tuesday night on Syria.",
			"Obama addresses nation on Syria", "President Obama addressed the nation on Tuesday night, making his case on Syria.", 40 * time.Hour, "happened"},
		{"hearing postponed", "Zuckerberg to testify before Congress on Tuesday", "Mark Zuckerberg will testify before the Senate on Tuesday.",
			"Zuckerberg hearing pushed back", "The Senate hearing with Mark Zuckerberg has been pushed back to next week.", 20 * time.Hour, "postponed"},
		{"game postponed snow", "Bills host Browns on Sunday", "The Buffalo Bills will host the Cleveland Browns on Sunday at Highmark Stadium.",
			"Bills-Browns game moved to Detroit because of snow", "Sunday's game between the Bills and the Browns was moved to Detroit because of a snowstorm.", 70 * time.Hour, "postponed"},
		{"not: other product", "Apple to unveil iPhone on Tuesday", "Apple is expected to unveil its new iPhone on Tuesday.",
			"Apple launches new MacBook Air", "Apple on Monday launched a new MacBook Air laptop.", 5 * time.Hour, ""},
		{"not: other court", "Supreme Court to rule on travel ban on Tuesday", "The U.S. Supreme Court is expected to rule on President Trump's travel ban on Tuesday.",
			"Appeals court blocks Texas abortion law", "A federal appeals court on Tuesday blocked a Texas abortion law.", 30 * time.Hour, ""},
		{"not: preview after", "Chiefs face Eagles in Super Bowl on Sunday", "The Kansas City Chiefs will play the Philadelphia Eagles in the Super Bowl on Sunday.",
			"Super Bowl: five things to watch", "Here are five things to watch when the Chiefs play the Eagles on Sunday.", 3 * 24 * time.Hour, ""},
		{"not: stock move", "Fed expected to raise rates on Wednesday", "The Federal Reserve is expected to raise interest rates on Wednesday.",
			"Stocks rise ahead of Fed decision", "U.S. stocks rose on Tuesday ahead of the Federal Reserve's decision on interest rates.", 30 * time.Hour, ""},
		{"slated for", "Artemis launch slated for Monday morning", "NASA's Artemis I mission is slated to lift off from Kennedy Space Center on Monday.",
			"NASA's Artemis rocket lifts off", "NASA's giant moon rocket lifted off from Kennedy Space Center on Monday.", 10 * time.Hour, "happened"},
		{"scheduled for", "Sentencing scheduled for Thursday in Holmes case", "Elizabeth Holmes is scheduled to be sentenced on Thursday.",
			"Elizabeth Holmes sentenced to 11 years", "Elizabeth Holmes was sentenced to more than 11 years in prison on Thursday.", 80 * time.Hour, "happened"},
		{"tipped to win", "Kenya's Kipyegon tipped to win 1500m final on Tuesday", "Faith Kipyegon is the favourite in Tuesday's 1500m final.",
			"Kipyegon wins 1500m gold", "Faith Kipyegon won the 1500m final on Tuesday.", 35 * time.Hour, "happened"},
		{"kicks off", "World Cup kicks off on Sunday in Qatar", "The World Cup will begin on Sunday with Qatar against Ecuador.",
			"Ecuador beat hosts Qatar in World Cup opener", "Ecuador beat Qatar 2-0 in the opening match of the World Cup on Sunday.", 6*24*time.Hour + 12*time.Hour, "happened"},
		{"eve of", "On the eve of the election, candidates make final pitch", "Voters in Brazil go to the polls on Sunday.",
			"Lula wins Brazil election", "Luiz Inacio Lula da Silva won Brazil's presidential election on Sunday.", 6*24*time.Hour + 14*time.Hour, "happened"},
		{"how to watch", "How to watch the King's coronation on Saturday", "The coronation of King Charles III takes place on Saturday at Westminster Abbey.",
			"King Charles III crowned in Westminster Abbey", "King Charles III was crowned on Saturday at Westminster Abbey.", 5*24*time.Hour + 10*time.Hour, "happened"},
		{"vows to", "Governor vows to sign abortion bill on Friday", "The governor said he would sign the bill on Friday.",
			"Governor signs abortion bill into law", "The governor signed the abortion bill into law on Friday.", 100 * time.Hour, "happened"},
		{"when is", "When is the Met Gala? Date, theme and how to watch", "The Met Gala takes place on Monday evening in New York.",
			"Met Gala 2023: the best looks from the red carpet", "Stars arrived at the Metropolitan Museum of Art on Monday for the Met Gala.", 14 * time.Hour, "happened"},
		{"live updates", "Live updates: Fed decision on Wednesday", "The Federal Reserve is expected to announce its interest rate decision on Wednesday.",
			"Fed holds rates steady", "The Federal Reserve held interest rates steady on Wednesday.", 56 * time.Hour, "happened"},
		{"is to", "Prime minister is to visit India next week", "The British prime minister will travel to New Delhi next week.",
			"Prime minister arrives in New Delhi", "The British prime minister arrived in New Delhi on Monday for talks.", 7*24*time.Hour + 3*time.Hour, "happened"},
		{"premiere", "Barbie premieres in cinemas on Friday", "Greta Gerwig's Barbie opens in cinemas on Friday.",
			"Barbie smashes box office records in opening weekend", "Barbie took $155m in its opening weekend after its release on Friday.", 6 * 24 * time.Hour, "happened"},
		{"volcano", "Authorities warn volcano could erupt within days", "Icelandic authorities said the volcano near Grindavik could erupt within days.",
			"Volcano erupts in Iceland near Grindavik", "A volcano erupted near the town of Grindavik on Monday night.", 5 * 24 * time.Hour, "happened"},
		{"executed", "Alabama set to execute Kenneth Smith on Thursday", "Alabama is scheduled to execute Kenneth Smith by nitrogen gas on Thursday.",
			"Alabama executes Kenneth Smith with nitrogen gas", "Alabama executed Kenneth Smith on Thursday night.", 85 * time.Hour, "happened"},
		{"convicted", "Jury deliberations to begin in Trump hush money trial", "The jury will begin deliberating on Wednesday.",
			"Trump found guilty on all 34 counts", "A jury found Donald Trump guilty on all 34 counts on Thursday.", 80 * time.Hour, "happened"},
		{"acquitted", "Verdict due in Rittenhouse trial", "The jury in the trial of Kyle Rittenhouse is expected to reach a verdict this week.",
			"Rittenhouse acquitted on all charges", "Kyle Rittenhouse was acquitted of all charges on Friday.", 100 * time.Hour, "happened"},
		{"ceasefire", "Israel and Hamas expected to begin truce on Friday", "A four-day truce between Israel and Hamas is due to take effect on Friday morning.",
			"Truce between Israel and Hamas takes effect", "A truce between Israel and Hamas took effect on Friday.", 96 * time.Hour, "happened"},
		{"truce delayed", "Israel and Hamas expected to begin truce on Thursday", "A four-day truce between Israel and Hamas is due to take effect on Thursday morning.",
			"Start of Israel-Hamas truce delayed until Friday", "The start of the truce between Israel and Hamas was delayed by a day.", 60 * time.Hour, "postponed"},
		{"rate cut", "ECB poised to cut rates on Thursday", "The European Central Bank is expected to lower interest rates on Thursday.",
			"ECB cuts interest rates for first time since 2019", "The European Central Bank cut rates on Thursday.", 80 * time.Hour, "happened"},
		{"rate hold", "ECB poised to cut rates on Thursday", "The European Central Bank is expected to lower interest rates on Thursday.",
			"ECB keeps rates on hold", "The European Central Bank left interest rates unchanged on Thursday.", 80 * time.Hour, "happened"},
		{"award named", "Booker Prize winner to be announced on Tuesday", "The winner of the Booker Prize will be announced on Tuesday evening in London.",
			"Paul Lynch wins Booker Prize for Prophet Song", "Irish author Paul Lynch won the Booker Prize on Tuesday.", 40 * time.Hour, "happened"},
		{"strike ends", "Writers' strike could end this week", "Hollywood writers and studios are close to a deal that could end the strike this week.",
			"Hollywood writers' strike ends", "Hollywood writers ended their strike on Wednesday after reaching a deal.", 50 * time.Hour, "happened"},
		{"merger blocked", "EU to rule on Microsoft's Activision deal by Monday", "The European Commission is due to decide on Microsoft's takeover of Activision by Monday.",
			"EU approves Microsoft's Activision takeover", "The European Commission approved Microsoft's takeover of Activision Blizzard on Monday.", 7 * 24 * time.Hour, "happened"},
		{"match postponed pitch", "Arsenal host Chelsea on Saturday", "Arsenal will play Chelsea at the Emirates Stadium on Saturday.",
			"Arsenal v Chelsea postponed due to frozen pitch", "Saturday's match between Arsenal and Chelsea was postponed because of a frozen pitch.", 5*24*time.Hour + 4*time.Hour, "postponed"},
		{"tour cancelled", "Taylor Swift to play Vienna on Thursday", "Taylor Swift will perform three concerts in Vienna starting on Thursday.",
			"Taylor Swift's Vienna concerts cancelled after terror plot", "Organisers cancelled Taylor Swift's three Vienna concerts after a terror plot was foiled.", 48 * time.Hour, "cancelled"},
		{"flight landed", "Boeing Starliner to dock with space station on Thursday", "Boeing's Starliner capsule is scheduled to dock with the International Space Station on Thursday.",
			"Starliner docks with space station", "Boeing's Starliner capsule docked with the International Space Station on Thursday.", 80 * time.Hour, "happened"},
		{"election called", "Polls close in UK general election", "Voters in the UK have been choosing a new parliament.",
			"Labour wins landslide in UK election", "Labour won a landslide victory in the UK general election.", 10 * time.Hour, "happened"},
		{"no-confidence survived", "Prime minister faces no-confidence vote on Wednesday", "The prime minister will face a vote of no confidence in parliament on Wednesday.",
			"Prime minister survives no-confidence vote", "The prime minister survived a vote of no confidence on Wednesday by 12 votes.", 56 * time.Hour, "happened"},
		{"signing", "Biden to sign infrastructure bill on Monday", "President Joe Biden will sign the infrastructure bill at the White House on Monday.",
			"Biden signs infrastructure bill into law", "Biden signed the $1 trillion infrastructure bill into law on Monday.", 8 * time.Hour, "happened"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Analyze(story(tc.antTitle, tc.antBody, mon))
			out := Analyze(story(tc.outTitle, tc.outBody, mon.Add(tc.outAfter)))
			if got := relationTo(opts, a, out); got != tc.want {
				t.Errorf("got %q, want %q\nevents %+v\noutcomes %+v", got, tc.want, a.Events, out.Outcomes)
			}
		})
	}
}

// TestScoreWordings: one announcement against the many ways a story may
// report it done, called off or put back (made-up, of real shapes).
func TestScoreWordings(t *testing.T) {
	opts := DefaultOptions()
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, time.UTC) // a Monday
	ant := func(title, body string) [2]string { return [2]string{title, body} }
	summit := ant("Biden and Xi to meet in Bali on Monday next week", "President Joe Biden will meet Chinese leader Xi Jinping in Bali on Monday, the White House said.")
	fest := ant("Coachella festival set for April 10 in Indio", "The Coachella music festival will take place in Indio, California, starting on April 10.")
	vote := ant("House to vote on debt ceiling bill on Wednesday", "The House of Representatives will vote on the debt ceiling bill on Wednesday.")
	launch := ant("Boeing Starliner launch set for Thursday", "Boeing's Starliner capsule is scheduled to launch on Thursday from Cape Canaveral with two astronauts.")
	fight := ant("Canelo to face Golovkin in rematch on Saturday", "Saul 'Canelo' Alvarez will fight Gennady Golovkin in Las Vegas on Saturday.")
	elect := ant("Kenyans vote on Tuesday in presidential election", "Kenyans go to the polls on Tuesday to choose between William Ruto and Raila Odinga.")
	court := ant("Judge to sentence Bankman-Fried on Thursday", "Sam Bankman-Fried is due to be sentenced on Thursday in New York.")
	prize := ant("Nobel Peace Prize to be announced on Friday", "The Norwegian Nobel Committee will announce the winner of the Nobel Peace Prize on Friday in Oslo.")
	product := ant("Samsung to unveil Galaxy S23 on Wednesday", "Samsung Electronics is expected to unveil its Galaxy S23 smartphones at an event on Wednesday.")
	land := ant("Storm Ciaran to hit Britain on Thursday", "Storm Ciaran is expected to bring winds of up to 90 mph to southern England on Thursday.")
	tests := []struct {
		name              string
		a                 [2]string
		outTitle, outBody string
		outAfter          time.Duration
		want              string
	}{
		{"summit scrapped", summit, "Biden-Xi summit scrapped", "The planned meeting between Joe Biden and Xi Jinping in Bali has been scrapped.", 48 * time.Hour, "cancelled"},
		{"summit off the table", summit, "Biden-Xi meeting off the table, officials say", "A meeting between Biden and Xi in Bali is no longer planned, officials said.", 48 * time.Hour, "cancelled"},
		{"summit held", summit, "Biden and Xi hold three-hour talks in Bali", "Joe Biden and Xi Jinping met for three hours in Bali on Monday.", 7*24*time.Hour + 10*time.Hour, "happened"},
		{"summit met lead only", summit, "Photos: the Bali meeting", "Joe Biden and Xi Jinping shook hands in Bali on Monday before their talks.", 7*24*time.Hour + 10*time.Hour, "happened"},
		{"fest axed", fest, "Coachella axed over coronavirus fears", "Organisers have axed this year's Coachella festival because of the coronavirus.", 48 * time.Hour, "cancelled"},
		{"fest moved", fest, "Coachella moved to October", "The Coachella festival has been rescheduled for October because of the coronavirus.", 48 * time.Hour, "postponed"},
		{"fest on hold", fest, "Coachella put on hold", "Organisers have put the Coachella festival on hold indefinitely.", 48 * time.Hour, "postponed"},
		{"fest not going ahead", fest, "Coachella not going ahead this year", "The Coachella festival will not take place this year, organisers said.", 48 * time.Hour, "cancelled"},
		{"vote pulled", vote, "House leaders pull debt ceiling vote", "House leaders pulled Wednesday's vote on the debt ceiling bill after a revolt.", 50 * time.Hour, "cancelled"},
		{"vote passes", vote, "House passes debt ceiling bill", "The House passed the debt ceiling bill on Wednesday by 314 votes to 117.", 55 * time.Hour, "happened"},
		{"vote fails", vote, "Debt ceiling bill fails in the House", "The debt ceiling bill failed in the House on Wednesday.", 55 * time.Hour, "happened"},
		{"vote delayed to thursday", vote, "House debt ceiling vote pushed to Thursday", "The House vote on the debt ceiling bill has been pushed to Thursday.", 50 * time.Hour, "postponed"},
		{"launch scrubbed lead", launch, "Starliner update", "Boeing and NASA scrubbed Thursday's launch of the Starliner capsule because of a valve problem.", 75 * time.Hour, "cancelled"},
		{"launch stood down", launch, "NASA stands down from Starliner launch", "NASA stood down from Thursday's Starliner launch attempt because of a faulty valve.", 75 * time.Hour, "cancelled"},
		{"launch delayed indefinitely", launch, "Starliner launch delayed indefinitely", "The launch of Boeing's Starliner has been delayed indefinitely.", 50 * time.Hour, "postponed"},
		{"launch happened", launch, "Starliner finally launches with two astronauts", "Boeing's Starliner capsule launched from Cape Canaveral on Thursday with two astronauts on board.", 80 * time.Hour, "happened"},
		{"launch blasts off", launch, "Starliner blasts off", "Boeing's Starliner capsule blasted off from Cape Canaveral on Thursday.", 80 * time.Hour, "happened"},
		{"launch weather", launch, "Weather 70% favourable for Starliner launch", "Forecasters gave a 70% chance of favourable weather for Thursday's launch.", 50 * time.Hour, ""},
		{"fight won", fight, "Canelo edges Golovkin in rematch", "Canelo Alvarez beat Gennady Golovkin by majority decision on Saturday night.", 5*24*time.Hour + 20*time.Hour, "happened"},
		{"fight draw", fight, "Canelo and Golovkin fight to a draw", "Canelo Alvarez and Gennady Golovkin fought to a draw in Las Vegas on Saturday.", 5*24*time.Hour + 20*time.Hour, "happened"},
		{"fight retained", fight, "Canelo retains titles against Golovkin", "Canelo Alvarez kept his titles with a win over Gennady Golovkin on Saturday.", 5*24*time.Hour + 20*time.Hour, "happened"},
		{"elect declared", elect, "Ruto declared winner of Kenya's presidential election", "William Ruto was declared the winner of Kenya's presidential election.", 2 * 24 * time.Hour, "happened"},
		{"elect sworn", elect, "Ruto narrowly wins Kenyan presidency", "William Ruto won Kenya's presidential election with 50.5% of the vote.", 2 * 24 * time.Hour, "happened"},
		{"elect conceded", elect, "Odinga rejects result of Kenyan election", "Raila Odinga rejected the result of Tuesday's presidential election.", 2 * 24 * time.Hour, "happened"},
		{"court jailed", court, "Bankman-Fried jailed for 25 years", "Sam Bankman-Fried was jailed for 25 years on Thursday.", 80 * time.Hour, "happened"},
		{"court gets", court, "Bankman-Fried gets 25 years in prison", "Sam Bankman-Fried was given 25 years in prison on Thursday.", 80 * time.Hour, "happened"},
		{"prize goes to", prize, "Nobel Peace Prize goes to Iranian activist", "The Nobel Peace Prize was awarded on Friday to jailed Iranian activist Narges Mohammadi.", 4*24*time.Hour + 5*time.Hour, "happened"},
		{"prize honours", prize, "Nobel Peace Prize honours jailed Iranian activist", "The Norwegian Nobel Committee honoured Narges Mohammadi on Friday.", 4*24*time.Hour + 5*time.Hour, "happened"},
		{"product shows", product, "Samsung shows off Galaxy S23", "Samsung on Wednesday showed off its Galaxy S23 phones in San Francisco.", 55 * time.Hour, "happened"},
		{"product hands-on", product, "Galaxy S23 hands-on: Samsung's new phones", "Samsung introduced the Galaxy S23 at its event on Wednesday.", 55 * time.Hour, "happened"},
		{"storm batters", land, "Storm Ciaran batters southern England", "Storm Ciaran brought winds of 90 mph to southern England on Thursday.", 75 * time.Hour, "happened"},
		{"storm lashes", land, "Storm Ciaran lashes Britain with 100mph winds", "Storm Ciaran hit Britain on Thursday with winds of up to 100 mph.", 75 * time.Hour, "happened"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Analyze(story(tc.a[0], tc.a[1], mon))
			out := Analyze(story(tc.outTitle, tc.outBody, mon.Add(tc.outAfter)))
			if got := relationTo(opts, a, out); got != tc.want {
				t.Errorf("got %q, want %q\nevents %+v\noutcomes %+v", got, tc.want, a.Events, out.Outcomes)
			}
		})
	}
}

// TestTimedEve: a report the evening before the expected day is timed, as
// the gate already lets it in: a deadline at midnight ("shutdown at 12:01
// a.m. Sunday") is met or missed in Saturday's news.
func TestTimedEve(t *testing.T) {
	opts := DefaultOptions()
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, time.UTC)
	a := Analyze(story("Congress to vote on funding bill on Wednesday", "Congress will vote on a stopgap funding bill on Wednesday to avoid a shutdown.", mon))
	tests := []struct {
		after time.Duration
		timed bool
	}{
		{30 * time.Hour, true},  // Tuesday afternoon
		{6 * time.Hour, false},  // Monday: two days early
		{55 * time.Hour, true},  // Wednesday
		{80 * time.Hour, false}, // Thursday: after the day
	}
	for _, tc := range tests {
		out := Analyze(story("Congress passes funding bill", "Congress passed the stopgap funding bill.", mon.Add(tc.after)))
		var got *Match
		for i := range a.Events {
			if m, ok := opts.Score(&a.Events[i], out, nil); ok || m.gate == "" {
				got = &m
			}
		}
		switch {
		case got == nil && tc.timed:
			t.Errorf("after %v: not scored", tc.after)
		case got != nil && got.signals.Timed != tc.timed:
			t.Errorf("after %v: timed %v, want %v (%+v)", tc.after, got.signals.Timed, tc.timed, got)
		}
	}
}

// TestOtherInstitution: a hearing before another committee, a ruling of
// another court, is no outcome of the one announced.
func TestOtherInstitution(t *testing.T) {
	opts := DefaultOptions()
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name, at, ab, ot, ob string
		after                time.Duration
		linked               bool
	}{
		{"another committee", "Michael Cohen to testify before House Oversight Committee on Wednesday", "Michael Cohen, the president's former lawyer, will testify publicly before the House Oversight Committee on Wednesday.",
			"Cohen back at House Intel Committee after closed-door testimony", "Michael Cohen emerged from a closed-door House Intelligence Committee hearing on Thursday.", 75 * time.Hour, false},
		{"the same committee", "Michael Cohen to testify before House Oversight Committee on Wednesday", "Michael Cohen, the president's former lawyer, will testify publicly before the House Oversight Committee on Wednesday.",
			"Cohen testifies before Oversight Committee", "Michael Cohen testified before the House Oversight Committee on Wednesday.", 55 * time.Hour, true},
		{"the committee, unnamed", "Michael Cohen to testify before House Oversight Committee on Wednesday", "Michael Cohen, the president's former lawyer, will testify publicly before the House Oversight Committee on Wednesday.",
			"Cohen testifies: five takeaways", "Michael Cohen testified before the committee on Wednesday.", 55 * time.Hour, true},
		{"another court", "Supreme Court to rule on affirmative action on Thursday", "The Supreme Court is expected to rule on affirmative action in college admissions on Thursday.",
			"Appeals court rules on affirmative action case", "A federal appeals court ruled on Thursday on affirmative action in college admissions.", 80 * time.Hour, false},
		{"a congressional committee", "Congress to hold hearings on car recall", "The House Energy and Commerce Committee will hold hearings on the car recall on Tuesday.",
			"Congressional committee holds hearing on car recall", "A congressional committee questioned the carmaker on the recall on Tuesday.", 30 * time.Hour, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Analyze(story(tc.at, tc.ab, mon))
			out := Analyze(story(tc.ot, tc.ob, mon.Add(tc.after)))
			if linked := relationTo(opts, a, out) != ""; linked != tc.linked {
				t.Errorf("linked %v, want %v; events %+v", linked, tc.linked, a.Events)
			}
		})
	}
}

// relationTo returns how out reports one of the events a announces ("" if
// it reports none).
func relationTo(opts Options, a, out *Analysis) string {
	got := ""
	for i := range a.Events {
		if m, ok := opts.Score(&a.Events[i], out, nil); ok {
			got = string(m.Relation)
		}
	}
	return got
}
