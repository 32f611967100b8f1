package followup

import (
	"strings"

	"github.com/kljensen/snowball"
)

// Action classes: words that name the same kind of event. The key is the
// class name (also its canonical lemma); members are lemmas (verbs and
// nouns), multi-word entries are matched as phrases.
var actionClasses = map[string][]string{
	"speak": {"speak", "talk", "call", "phone", "telephone", "conversation", "converse", "discuss", "discussion",
		"chat", "phone call", "telephone call", "phone conversation", "telephone conversation", "phone talks",
		"telephone talks", "phone talk", "telephone talk", "phone contact", "telephone contact", "speech", "address"},
	"meet": {"meet", "meeting", "summit", "talks", "visit", "face-to-face", "sit-down", "sit down", "state visit",
		"summit meeting", "face-to-face talks", "arrive", "arrival"},
	"vote": {"vote", "ballot", "pass", "approve", "approval", "reject", "rejection", "adopt", "ratify", "referendum", "veto", "vote down"},
	"sign": {"sign", "signing", "sign into law"},
	"announce": {"announce", "announcement", "unveil", "unveiling", "reveal", "release", "introduce", "debut", "disclose", "news conference", "press conference", "briefing", "presentation", "publish",
		"earnings", "earnings report", "report results", "post results"},
	"launch":  {"launch", "liftoff", "lift off", "lift-off", "blast off", "blastoff", "launch attempt"},
	"testify": {"testify", "testimony", "hearing", "deposition", "appear before"},
	"rule": {"rule", "ruling", "verdict", "decide", "decision", "judgment", "judgement", "uphold", "overturn", "strike down",
		"acquit", "acquittal", "convict", "conviction", "sentence", "sentencing", "indict", "indictment",
		"find guilty", "found guilty", "find not guilty", "found not guilty", "guilty verdict"},
	"elect":  {"elect", "election", "win", "conclave", "choose", "inaugurate", "inauguration", "swear in", "sworn in"},
	"land":   {"landfall", "come ashore", "make landfall", "touch down"},
	"strike": {"strike", "walkout", "walk out", "stoppage"},
	"resign": {"resign", "resignation", "step down", "quit", "stand down"},
	"debate": {"debate"},
	// Central-bank decisions, by phrase only: "cut" and "raise" alone say little.
	"rates": {"raise rates", "raise interest rates", "hike rates", "hike interest rates", "cut rates",
		"cut interest rates", "lower rates", "lower interest rates", "rate hike", "rate cut", "rate decision",
		"interest rate decision", "hold rates", "keep rates", "leave rates"},
}

// relatedClasses: an anticipated class that a realised class can fulfil,
// with a weight below an exact match. A ruling is reported as an approval
// or a rejection; a vote as a win; a product launch as an announcement.
var relatedClasses = map[string]map[string]float64{
	"rule":     {"vote": 0.8},
	"vote":     {"rule": 0.6, "elect": 0.7},
	"elect":    {"vote": 0.7},
	"announce": {"launch": 0.6},
	"launch":   {"announce": 0.6},
}

// lightVerbs carry no event of their own (with a few adverbs that may
// stand between a cue and the action): the event is the noun after them
// ("hold talks", "have a call", "make landfall", "try to launch").
var lightVerbs = set("have", "hold", "host", "make", "take", "give", "do", "try", "attempt", "begin", "start",
	"continue", "go", "get", "be", "become", "seek", "hope", "want", "plan", "aim", "expect", "head", "set",
	"schedule", "attend", "join", "conduct", "stage", "convene", "face", "undergo", "resume", "again", "also",
	"likely", "soon", "finally", "first", "then", "still", "not", "never", "publicly", "formally", "officially",
	"broadly", "reportedly", "probably", "possibly", "again", "once", "personally", "separately", "jointly",
	"reach", "deliver", "issue", "hand", "render", "cast", "report", "post", "announce")

// Irregular verb forms and their lemmas ("spoke" -> "speak").
var irregular = map[string]string{
	"spoke": "speak", "spoken": "speak", "met": "meet", "held": "hold", "had": "have", "has": "have",
	"made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give", "won": "win",
	"struck": "strike", "stricken": "strike", "upheld": "uphold", "began": "begin", "begun": "begin",
	"went": "go", "gone": "go", "came": "come", "told": "tell", "said": "say", "says": "say",
	"lost": "lose", "ran": "run", "saw": "see", "seen": "see", "stood": "stand", "brought": "bring",
	"left": "leave", "led": "lead", "chose": "choose", "chosen": "choose", "flew": "fly", "flown": "fly",
	"withdrew": "withdraw", "withdrawn": "withdraw", "fell": "fall", "fallen": "fall", "rose": "rise",
	"risen": "rise", "found": "find", "sought": "seek", "became": "become", "broke": "break",
	"broken": "break", "sent": "send", "spent": "spend", "built": "build", "kept": "keep", "felt": "feel",
	"heard": "hear", "paid": "pay", "sold": "sell", "wrote": "write", "written": "write", "got": "get",
	"gotten": "get", "shown": "show", "known": "know", "knew": "know", "thought": "think", "did": "do",
	"done": "do", "was": "be", "were": "be", "been": "be", "is": "be", "are": "be", "am": "be",
	"sat": "sit", "drew": "draw", "drawn": "draw", "swore": "swear", "sworn": "swear", "ate": "eat",
	"meant": "mean", "understood": "understand", "drove": "drive", "driven": "drive", "threw": "throw",
	"thrown": "throw", "forgot": "forget", "forbade": "forbid", "hit": "hit", "put": "put", "set": "set",
	"cut": "cut", "quit": "quit", "shut": "shut", "beat": "beat", "let": "let", "cast": "cast",
	"bid": "bid", "overtook": "overtake", "undertook": "undertake", "arose": "arise", "woke": "wake",
	"wound": "wind", "sank": "sink", "sunk": "sink", "slid": "slide", "shook": "shake", "bore": "bear",
	"borne": "bear", "wore": "wear", "tore": "tear", "hung": "hang", "fought": "fight", "caught": "catch",
	"taught": "teach", "bought": "buy", "lay": "lie", "laid": "lay", "lit": "light", "fed": "feed",
	"read": "read", "led off": "lead", "rang": "ring", "sang": "sing", "swam": "swim", "ended": "end",
	"overturned": "overturn", "dealt": "deal", "struck down": "strike down",
	"lifted off": "lift off", "stepped down": "step down", "walked out": "walk out",
	"came ashore": "come ashore", "touched down": "touch down", "blasted off": "blast off",
}

// Past forms among the irregulars (present forms like "is" and "has" are not).
var irregularPresent = set("is", "are", "am", "has", "says", "hit", "put", "set", "cut", "quit", "shut", "beat",
	"let", "cast", "bid", "read", "lay")

// notVerbsEd end in -ed without being past tenses.
var notVerbsEd = set("red", "bed", "need", "speed", "feed", "seed", "shed", "bred", "hundred", "ted", "fred", "ned",
	"united", "embed", "indeed", "deed", "creed", "greed", "breed", "steed", "weed", "reed", "proceed", "exceed",
	"succeed", "heed", "bleed", "bled", "fled", "led", "wed", "sled", "shred", "naked", "wicked", "sacred",
	"kindred", "rugged", "ragged", "jagged", "crooked", "beloved", "learned", "aged", "alleged", "supposed")

// Cues for anticipation: an auxiliary, adjective or verb followed by "to"
// and the action ("is expected to", "plans to"), or a modal ("will").
var (
	modalCues = set("will", "'ll", "shall", "may", "might", "could", "gonna")
	// "be X to" and "X to" cues.
	toCues = set("expected", "set", "scheduled", "slated", "due", "poised", "likely", "about", "going",
		"planning", "preparing", "ready", "expecting", "hoping", "aiming", "intending", "bound", "unlikely",
		"plans", "plan", "aims", "aim", "intends", "intend", "hopes", "vows", "vowed", "pledges", "promises",
		"threatens", "agreed", "agree", "agrees", "prepares", "prepare", "wants", "seeks", "expect", "expects",
		"scheduled", "tipped", "tentatively", "gearing", "gear", "try", "tries", "seek", "continue",
		"forecast", "forecasted", "anticipated", "certain")
	// Past forms of plan cues: a past plan ("was set to", "planned to")
	// anticipates only when its time is still ahead.
	pastPlanCues = set("planned", "intended", "hoped", "aimed", "wanted", "sought", "meant")
	// Cues after an event noun: "the call is expected", "ruling expected Tuesday".
	postNounCues = set("expected", "scheduled", "slated", "set", "due", "planned", "will", "'ll", "likely", "poised",
		"upcoming", "looms", "loom", "looming", "approaches", "nears", "imminent", "coming")
	// Adjectives before an event noun: "the upcoming summit".
	preNounCues = set("upcoming", "planned", "scheduled", "expected", "proposed", "forthcoming",
		"pending", "looming", "impending", "possible", "potential", "next", "future", "prospective",
		"rescheduled")
	// Cues introducing a not-yet-happened event: "ahead of the vote".
	beforeCues = set("ahead", "before", "awaiting", "await", "awaits", "bracing", "braces", "brace", "until", "till",
		"pending", "prepares", "preparing", "prepare")
	negations     = set("not", "n't", "never", "no", "neither", "nor", "without", "hardly")
	conditionals  = set("whether", "if", "unless", "would", "should", "'d", "wonder", "whenever", "hypothetical")
	cancelCues    = set("cancel", "cancels", "canceled", "cancelled", "canceling", "cancelling", "cancellation", "cancelation", "called-off", "rained out", "washed out", "rains out", "scrap", "scraps", "scrapped", "scrub", "scrubs", "scrubbed", "abort", "aborts", "aborted", "avert", "averts", "averted", "abandon", "abandons", "abandoned", "shelve", "shelves", "shelved", "nixed", "nixes", "axed", "axes", "skip", "skips", "skipped", "boycott", "boycotts", "boycotted", "halted", "halts", "suspended", "suspends", "calls off", "called off", "call off", "pulled out", "pulls out", "pull out", "drops out", "dropped out", "drop out", "bows out", "bowed out", "bow out", "falls through", "fell through", "fall through", "pulled from", "withdrew from", "withdraws from", "will not attend", "won't attend", "not attend", "not take place", "not go ahead", "no longer", "off")
	postponeCues  = set("postpone", "postpones", "postponed", "postponing", "postponement", "delay", "delays", "delayed", "delaying", "reschedule", "reschedules", "rescheduled", "rescheduling", "defer", "defers", "deferred", "deferring", "adjourn", "adjourns", "adjourned", "put back", "puts back", "pushed back", "pushes back", "push back", "put off", "puts off", "moved to", "pushed to", "bumped to", "slipped to", "slips to", "pushed back to")
	sayVerbs      = set("say", "said", "says", "told", "tells", "tell", "added", "adds", "noted", "notes", "confirmed", "confirms", "reported", "reports", "wrote", "writes", "tweeted", "tweets", "indicated", "indicates", "stated", "explained", "claimed", "claims", "insisted", "insists", "suggested", "suggests", "according", "acknowledged", "declared", "predicted", "predicts", "warned", "warns")
	clauseBreaks  = set(";", ":", "—", "–", "--", "(", ")", "\"", "but", "while", "although", "though", "whereas", "because", "since", "amid", "after", "when", "once", "as")
	placePreps    = set("in", "at", "along", "near", "across", "outside", "inside", "over", "from", "into", "toward", "towards", "off", "on", "onto", "around", "through", "throughout", "via", "about", "following", "amid", "regarding", "concerning", "like", "under", "beyond", "within")
	copulas       = set("is", "are", "was", "were", "be", "been", "being", "'s", "'re", "am")
	determiners   = set("the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your", "some", "any", "each", "every", "both", "first", "1st", "second", "another", "other", "new", "latest", "historic", "highly", "major", "much", "long", "big", "rare", "full", "joint", "official", "formal", "brief", "key", "crucial", "final", "public", "private", "closed-door", "high-level", "two-day", "one-day", "bilateral", "personal", "direct")
	pluralPronoun = set("they", "the two", "both", "the pair", "the leaders", "the two leaders", "both leaders", "the presidents", "both sides", "the two sides", "the two men")
)

// timeZones look like acronyms but name no actor.
var timeZones = set("est", "edt", "pst", "pdt", "cst", "cdt", "mst", "mdt", "gmt", "utc", "bst", "cet", "cest",
	"et", "pt", "ct", "aedt", "aest", "jst", "ist", "hkt", "sgt", "msk")

// Titles and descriptors stripped from names: "Russian President Vladimir
// Putin" -> "Vladimir Putin"; a title also ends an affiliation ("FBI director
// James Comey" -> "James Comey").
var titles = set("president", "presidents", "president-elect", "vice", "prime", "minister", "chancellor", "secretary", "press",
	"spokesman", "spokeswoman", "spokesperson", "director", "chief", "judge", "justice", "senator", "sen",
	"rep", "representative", "congressman", "congresswoman", "gov", "governor", "mayor", "king", "queen",
	"prince", "princess", "pope", "cardinal", "chairman", "chairwoman", "chair", "ceo", "cfo", "coo",
	"founder", "co-founder", "leader", "general", "gen", "lt", "col", "adm", "admiral", "commissioner",
	"ambassador", "envoy", "attorney", "former", "ex", "deputy", "acting", "top", "aide", "adviser",
	"advisor", "official", "officials", "counterpart", "mr", "mrs", "ms", "dr", "sir", "lord", "dame",
	"hurricane", "storm", "tropical", "typhoon", "cyclone", "first", "lady", "premier", "emir", "sheikh",
	"crown", "speaker", "lawmaker", "candidate", "coach", "star", "singer", "actor", "actress", "rapper",
	"host", "anchor", "executive", "boss", "head", "captain",
	"sergeant", "officer", "detective", "professor", "prof", "reverend", "rev", "bishop", "archbishop",
	"saint", "st", "mrs.", "madam", "comrade", "chancellor-elect", "senior", "junior", "analyst",
	"commander", "colonel", "major", "minister-president", "premier-elect", "nominee", "incumbent", "challenger",
	"astronaut", "astronauts", "commentator", "correspondent", "reporter", "editor", "author", "writer",
	"economist", "strategist", "billionaire", "businessman", "businesswoman", "mogul", "tycoon",
	"dictator", "strongman", "monarch", "emperor", "empress", "duke", "duchess", "baron", "defendant",
	"plaintiff", "suspect", "witness", "manager", "owner", "partner", "colleague", "ally", "rival", "opponent")

// Titles that can stand for an entity once its country is known
// ("Mexico's president", "the Mexican president").
var headTitles = set("president", "prime", "minister", "chancellor", "leader", "king", "queen", "premier", "government",
	"officials", "official", "foreign")

// genericHeads: a name whose last word is one of these is matched whole
// ("Supreme Court", "White House") rather than by its last word.
var genericHeads = set("court", "committee", "house", "center", "centre", "station", "keys", "key", "department",
	"agency", "bank", "council", "party", "union", "office", "ministry", "group", "company", "corp",
	"association", "board", "commission", "senate", "assembly", "parliament", "congress", "administration",
	"service", "services", "institute", "university", "college", "school", "hospital", "police", "army",
	"force", "forces", "navy", "guard", "team", "club", "league", "news", "times", "post", "journal",
	"network", "system", "program", "programme", "fund", "reserve", "exchange", "market", "markets",
	"airport", "airlines", "airways", "motors", "energy", "bureau", "authority", "organization",
	"organisation", "foundation", "society", "federation", "coalition", "alliance", "movement", "front",
	"state", "states", "city", "county", "province", "island", "islands", "river", "sea", "ocean", "bay",
	"valley", "mountains", "square", "street", "palace", "hall", "chapel", "garden", "gardens", "capitol",
	"dragon", "cup", "games", "awards", "festival", "week", "day", "act", "bill", "treaty", "accord",
	"agreement", "deal", "plan", "ban", "order", "law", "tower", "towers", "pad", "space", "world")

// Countries by their names, abbreviations and demonyms; the value is the
// key shared by all of them.
var countries = map[string]string{}

// capitals name their country in a story's text ("arrived in Beijing"
// fulfils a visit to China) without becoming actors themselves: "the
// Kremlin said" is a source, not a party.
var capitals = map[string]string{
	"washington": "united states", "moscow": "russia", "kremlin": "russia", "beijing": "china", "tokyo": "japan",
	"berlin": "germany", "paris": "france", "elysee": "france", "london": "united kingdom", "downing": "united kingdom",
	"ottawa": "canada", "canberra": "australia", "delhi": "india", "tehran": "iran", "baghdad": "iraq",
	"jerusalem": "israel", "damascus": "syria", "ankara": "turkey", "kyiv": "ukraine", "kiev": "ukraine",
	"rome": "italy", "madrid": "spain", "brasilia": "brazil", "seoul": "south korea", "pyongyang": "north korea",
	"riyadh": "saudi arabia", "cairo": "egypt", "athens": "greece", "warsaw": "poland", "brussels": "european union",
	"vienna": "austria", "dublin": "ireland", "havana": "cuba", "caracas": "venezuela", "kabul": "afghanistan",
	"manila": "philippines", "jakarta": "indonesia", "hanoi": "vietnam", "bangkok": "thailand", "taipei": "taiwan",
	"islamabad": "pakistan", "pretoria": "south africa", "nairobi": "kenya", "abuja": "nigeria", "mexico city": "mexico",
}

func init() {
	for _, row := range []string{
		"united states|us|usa|america|american|americans",
		"russia|russian|russians",
		"china|chinese",
		"japan|japanese",
		"germany|german|germans",
		"france|french",
		"united kingdom|uk|britain|british|great britain|england|english",
		"mexico|mexican|mexicans",
		"canada|canadian|canadians",
		"australia|australian|australians",
		"india|indian|indians",
		"pakistan|pakistani",
		"iran|iranian|iranians",
		"iraq|iraqi|iraqis",
		"israel|israeli|israelis",
		"syria|syrian|syrians",
		"turkey|turkish",
		"ukraine|ukrainian|ukrainians",
		"italy|italian|italians",
		"spain|spanish",
		"brazil|brazilian|brazilians",
		"south korea|south korean",
		"north korea|north korean",
		"saudi arabia|saudi|saudis",
		"egypt|egyptian",
		"greece|greek",
		"poland|polish",
		"netherlands|dutch",
		"belgium|belgian",
		"sweden|swedish",
		"norway|norwegian",
		"switzerland|swiss",
		"austria|austrian",
		"ireland|irish",
		"scotland|scottish",
		"argentina|argentine|argentinian",
		"venezuela|venezuelan",
		"colombia|colombian",
		"cuba|cuban",
		"south africa|south african",
		"nigeria|nigerian",
		"kenya|kenyan",
		"afghanistan|afghan",
		"philippines|philippine|filipino",
		"indonesia|indonesian",
		"vietnam|vietnamese",
		"thailand|thai",
		"taiwan|taiwanese",
		"new zealand|new zealander",
		"european union|eu",
	} {
		names := strings.Split(row, "|")
		for _, n := range names {
			countries[n] = names[0]
		}
	}
	for class, members := range actionClasses {
		for _, m := range members {
			if strings.Contains(m, " ") || strings.Contains(m, "-") {
				phraseClass[m] = class
				var st []string
				for _, w := range strings.Fields(m) {
					st = append(st, stem(w))
					if len(w) >= 3 {
						phrasePrefixes[w[:3]] = true
					}
				}
				phraseStems[strings.Join(st, " ")] = m
				continue
			}
			lemmaClass[m] = class
		}
	}
	for w := range modalCues {
		common[w] = true
	}
	for _, m := range []map[string]bool{toCues, postNounCues, preNounCues, beforeCues, negations, conditionals, cancelCues, postponeCues, sayVerbs, titles, determiners, lightVerbs, placePreps} {
		for w := range m {
			common[w] = true
		}
	}
	for w := range lemmaClass {
		common[w] = true
	}
	indexPhraseStarts()
	indexCountryFirsts()
	stemIndex = map[string]string{}
	for l := range lemmaClass {
		if s, err := snowball.Stem(l, "english", true); err == nil {
			if prev, dup := stemIndex[s]; !dup || l < prev {
				stemIndex[s] = l
			}
		}
	}
}

var (
	lemmaClass  = map[string]string{}
	phraseClass = map[string]string{}
	// phraseStems maps the stems of a phrase's words ("rais rate") to the
	// phrase, so that "raised rates" finds "raise rates".
	phraseStems    = map[string]string{}
	phrasePrefixes = map[string]bool{} // first three letters of phrase words
)

// lemma returns the lemma of a lower-case word: the irregular table first,
// then a few inflection rules, then the Snowball stemmer's view when the
// stem names an action ("testified" -> "testify", "talks" -> "talk").
func lemma(w string) string { return lemmaCache.get(w) }

var lemmaCache = newWordCache(1<<16, computeLemma)

func computeLemma(w string) string {
	if l, ok := irregular[w]; ok {
		return l
	}
	if _, ok := lemmaClass[w]; ok {
		return w
	}
	cands := []string{}
	switch {
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		cands = append(cands, w[:len(w)-3]+"y")
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		cands = append(cands, w[:len(w)-3]+"y")
	}
	if strings.HasSuffix(w, "ed") && len(w) > 4 {
		b := w[:len(w)-2]
		cands = append(cands, b, b+"e")
		if n := len(b); n > 2 && b[n-1] == b[n-2] {
			cands = append(cands, b[:n-1])
		}
	}
	if strings.HasSuffix(w, "ing") && len(w) > 5 {
		b := w[:len(w)-3]
		cands = append(cands, b, b+"e")
		if n := len(b); n > 2 && b[n-1] == b[n-2] {
			cands = append(cands, b[:n-1])
		}
	}
	if strings.HasSuffix(w, "es") && len(w) > 3 {
		cands = append(cands, w[:len(w)-2])
	}
	if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 3 {
		cands = append(cands, w[:len(w)-1])
	}
	for _, c := range cands {
		if _, ok := lemmaClass[c]; ok {
			return c
		}
		if _, ok := lightVerbs[c]; ok {
			return c
		}
	}
	// Inflections only add letters: "testified" may become "testify", but
	// "present" never "presentation".
	if len(cands) > 0 || strings.HasSuffix(w, "ly") {
		stem, err := snowball.Stem(w, "english", true)
		if err == nil {
			if l, ok := stemIndex[stem]; ok && len(l) <= len(w) {
				return l
			}
		}
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return w
}

// Phrase starts: a phrase look-up of findMentions can only succeed at a
// word that, or whose lemma, is the first word of a phrase (or of an
// irregular form of one), whose part before a hyphen begins one, or whose
// stem is the first stem of one.
var phraseFirstWords, phraseFirstDashed, phraseFirstStems map[string]bool

func indexPhraseStarts() {
	phraseFirstWords, phraseFirstDashed, phraseFirstStems = map[string]bool{}, map[string]bool{}, map[string]bool{}
	// What can follow the first word: a phrase's second word (as written or
	// as the next word's lemma), its second stem, or, joined by hyphens,
	// the rest of a hyphenated phrase.
	phraseSecondWords, phraseSecondStems, phraseDashStarts = map[string]bool{}, map[string]bool{}, map[string]bool{}
	second := func(p string, into map[string]bool) {
		if _, rest, ok := strings.Cut(p, " "); ok {
			w, _, _ := strings.Cut(rest, " ")
			into[w] = true
		}
	}
	add := func(p string) {
		first, _, _ := strings.Cut(p, " ")
		phraseFirstWords[first] = true
		dashed, _, _ := strings.Cut(p, "-")
		phraseFirstDashed[dashed] = true
		second(p, phraseSecondWords)
		if !strings.Contains(p, " ") {
			for j := 0; j < len(p); j++ {
				if p[j] == '-' {
					phraseDashStarts[p[:j]] = true
				}
			}
		}
	}
	for p := range phraseClass {
		add(p)
	}
	for form, base := range irregular {
		if _, ok := phraseClass[base]; ok {
			add(form)
		}
	}
	for st := range phraseStems {
		first, _, _ := strings.Cut(st, " ")
		phraseFirstStems[first] = true
		second(st, phraseSecondStems)
	}
}

// phraseSecondWords, phraseSecondStems and phraseDashStarts tell whether a
// phrase look-up at a word can succeed given the word after it (see
// mayContinuePhrase).
var phraseSecondWords, phraseSecondStems, phraseDashStarts map[string]bool

// mayContinuePhrase reports whether a phrase look-up at toks[i] (a word
// that may start one) can succeed: the next token must be a phrase's second
// word, its lemma or its stem a second one, or toks[i] the start of a
// hyphenated phrase.
func mayContinuePhrase(toks []token, i int) bool {
	if i+1 >= len(toks) {
		return false
	}
	next := toks[i+1].lx
	return next.is(lxSecondWord|lxSecondStem) || toks[i+1].word && next.is(lxSecondLemma) || toks[i].lx.is(lxDashStart)
}

// mayStartPhrase reports whether a phrase can begin at a word (low), given
// its lemma and its phrase stem ("-" when it has none).
func mayStartPhrase(low, lem, st string) bool {
	first := func(s string) string { f, _, _ := strings.Cut(s, " "); return f }
	dashed, _, _ := strings.Cut(low, "-")
	return phraseFirstWords[first(low)] || phraseFirstWords[first(lem)] || phraseFirstDashed[dashed] || phraseFirstStems[first(st)]
}

// stemIndex maps the Snowball stem of every action lemma to the lemma.
var stemIndex map[string]string

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
