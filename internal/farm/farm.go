// Package farm serves many synthetic RSS feeds on loopback for benchmarks:
// N feeds of 20 items with realistic ~600-byte descriptions and distinct
// titles and named entities (so that dedupe, clustering and follow-up
// linking do real work), ETag/If-None-Match with 304, and K new items per
// feed on demand.
package farm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Farm is a set of feeds behind one HTTP server.
type Farm struct {
	feeds, perFeed int
	base           time.Time
	mu             sync.RWMutex
	total          int // items each feed has published so far
	ln             net.Listener
	srv            *http.Server
	done           chan error
}

// New returns a farm of n feeds showing perFeed items each, the first
// published on a fixed date (the same feeds on every run) unless StartAt
// moves it.
func New(n, perFeed int) *Farm {
	return &Farm{feeds: n, perFeed: perFeed, total: perFeed,
		base: time.Date(2025, 3, 3, 6, 0, 0, 0, time.UTC)}
}

// StartAt sets when the first items are published (before Start); items
// follow every 17 minutes.
func (f *Farm) StartAt(t time.Time) { f.base = t.UTC() }

// Start listens on a free 127.0.0.1 port (or addr when not empty).
func (f *Farm) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("farm: %w", err)
	}
	f.ln, f.done = ln, make(chan error, 1)
	f.srv = &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	go func() { f.done <- f.srv.Serve(ln) }()
	return nil
}

// Addr is the server's host:port.
func (f *Farm) Addr() string { return f.ln.Addr().String() }

// URL is feed i's address.
func (f *Farm) URL(i int) string { return fmt.Sprintf("http://%s/feed/%d.xml", f.Addr(), i) }

// Add publishes k new items in every feed.
func (f *Farm) Add(k int) {
	f.mu.Lock()
	f.total += k
	f.mu.Unlock()
}

// Close stops the server and waits for it.
func (f *Farm) Close(ctx context.Context) error {
	err := f.srv.Shutdown(ctx)
	if e := <-f.done; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}

func (f *Farm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/add" && r.Method == http.MethodPost {
		k, err := strconv.Atoi(r.URL.Query().Get("k"))
		if err != nil || k < 0 {
			http.Error(w, "k must be a count", http.StatusBadRequest)
			return
		}
		f.Add(k)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/feed/")
	name, ok2 := strings.CutSuffix(name, ".xml")
	i, err := strconv.Atoi(name)
	if !ok || !ok2 || err != nil || i < 0 || i >= f.feeds {
		http.NotFound(w, r)
		return
	}
	f.mu.RLock()
	total := f.total
	f.mu.RUnlock()
	etag := fmt.Sprintf(`"%d-%d"`, i, total)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(f.Feed(i, total))
}

// Feed renders feed i after total items were published: the newest perFeed.
func (f *Farm) Feed(i, total int) []byte {
	var b strings.Builder
	b.Grow(f.perFeed * 900)
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>%s</title><link>https://outlet%d.example/</link><description>Benchmark feed %d</description>
`, outletName(i), i, i)
	for j := total - 1; j >= max(0, total-f.perFeed); j-- {
		it := f.item(i, j)
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			it.title, it.link, it.link, it.published.Format(time.RFC1123Z), it.desc)
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

type item struct {
	title, link, desc string
	published         time.Time
}

var (
	first      = strings.Fields("Amara Bastian Celine Dario Elena Farid Greta Hugo Ines Jonas Kaito Lena Mateo Nadia Oskar Priya Quentin Rosa Stefan Talia Umar Vera Wim Xenia Yusuf Zora")
	last       = strings.Fields("Abernathy Brandvold Castellano Dubois Eriksen Fairweather Gallo Hakimi Ivanova Jansen Kowalski Lindqvist Moreau Nakamura Okafor Petrov Quiroga Rinaldi Sorensen Takahashi Ueda Valdez Whitmore Xu Yilmaz Zeller")
	places     = strings.Fields("Arborville Brackenridge Coldwater Dunmore Eastport Fernhill Glenrock Harrowgate Ironbridge Juniper Kingsbay Lakemoor Millbrook Northgate Oakhaven Pinecrest Queensferry Riverton Stonehaven Thornbury Upton Valecrest Westmere Yarrow")
	orgs       = strings.Fields("Altima Borealis Cobalt Driftwood Everest Falcon Granite Helios Ironclad Jadeport Keystone Lumen Meridian Nimbus Orion Pioneer Quasar Redwood Summit Tidewater Unity Vanguard Willow Zenith")
	kinds      = strings.Fields("Bank Energy Rail Airlines Pharma Motors Telecom Foods Shipping Mining Insurance Media")
	verbs      = []string{"meet", "sign a trade pact", "announce a merger", "vote on the budget", "testify before lawmakers", "unveil a new plan", "hold talks", "release results"}
	past       = []string{"met", "signed a trade pact", "announced a merger", "voted on the budget", "testified before lawmakers", "unveiled a new plan", "held talks", "released results"}
	days       = strings.Fields("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
	vocabulary = strings.Fields(`account action advice agency agreement airport allowance analysis answer appeal
approach area argument arrival article aspect assembly assessment attempt audience authority average award
balance band basis battle benefit bid bill block board boat body bond border branch bread bridge brief budget
building cabinet campaign capacity capital career cargo case cash category ceiling centre chain chair challenge
chamber channel chapter charge charity chart check choice circle claim class client climate clinic coast code
colleague column committee community company comparison competition complaint concept concern conclusion
condition conference confidence conflict connection consensus contract contrast contribution control council
county court coverage credit crew crop crowd culture currency custom cycle damage debate debt decade decision
deficit delay delivery demand deposit design detail device diet difference dinner direction director discount
dispute distance district division doctor document domain draft drama driver duty economy edition editor effect
effort election element emphasis employee energy engine equipment estate estimate event evidence exchange exhibit
expansion expense export extent facility factor factory failure farm fashion feature fee festival figure file
finance firm flight floor focus forecast forest format formula frame freight fuel function fund funding gallery
garden gate generation goal grant grid ground growth guest guidance harbour harvest head hearing heritage highway
holiday horizon hospital household housing impact import incident income index industry inflation initiative
inquiry insight inspection institute insurance interest interview inventory investment island issue item journey
judge junction kitchen label labour land landscape launch layer leader league lease lecture ledger legacy lending
level licence limit liquidity loan lobby location logic lounge machine magazine majority manager margin market
measure medicine meeting member memory merger method metric migration minister minority mission model module
moment monitor mortgage motion museum narrative network notice number object occasion offer office operation
opinion option order outcome output owner package panel parade parcel parliament partner passage patent pattern
payment pension percentage period permit pipeline pitch plan platform plaza policy pool portfolio position
practice premium presence pressure price principle priority procedure process product profile profit programme
project proposal prospect protest province purchase quarter quota railway range rate ratio reaction reform
region register regulator release remedy rental report request research reserve resource response result
revenue review reward risk route rule salary sample savings scale scheme schedule scope season sector segment
service session settlement shipment shortage signal site skill slope society software solution source speech
sponsor squad stadium staff stake standard statement station status storage strategy stream structure studio
subsidy suburb summit supply surface survey surplus system tariff task teacher tender terminal territory theory
threshold ticket timber title total tourism tower track trade traffic trail transfer transit treaty trend trial
tunnel turnover union unit upgrade utility valley value vehicle venture venue verdict version village volume
voucher wage warehouse warning waste wave wealth weather welfare window winter workshop yield zone
quietly sharply broadly slowly firmly largely partly mostly roughly nearly widely briefly early late
northern southern eastern western rural urban coastal regional local national private public annual weekly
new old major minor key main senior junior joint final fresh recent current former future likely
agreed asked backed blocked boosted called cited claimed cleared closed cut delayed denied eased faced
filed funded gained hired joined kept lifted listed lost moved noted opened passed planned raised ruled
sent signed slowed stopped tested urged viewed voted warned won`)
	topics = []string{"water prices", "the new ferry line", "hospital funding", "a disputed wind farm", "rail fares", "the port expansion", "school meals", "housing permits", "a border crossing", "fishing quotas"}
)

// syllables make surnames: tens of thousands of people, as in real news,
// rather than a few hundred who would each be in every other story.
var syllables = strings.Fields("ba ber cal dan del fer gan hal is jor kan lam lin mar mor nak nel or pet quin ras ril san sor tak tor ul var ven wal yan zel")

func surname(r *rand.Rand) string {
	n := 2 + r.IntN(2)
	var b strings.Builder
	for k := 0; k < n; k++ {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

func outletName(i int) string {
	return fmt.Sprintf("%s %s Herald %d", places[i%len(places)], orgs[(i/len(places))%len(orgs)], i)
}

// item i,j is generated from a seed so every run serves the same text.
func (f *Farm) item(i, j int) item {
	r := rand.New(rand.NewPCG(uint64(i)*1_000_003+uint64(j), 0x5eed))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	a := pick(first) + " " + surname(r)
	b := pick(first) + " " + surname(r)
	org := pick(orgs) + " " + pick(kinds)
	place := pick(places)
	topic := pick(topics)
	v := r.IntN(len(verbs))
	day := pick(days)
	var title, lead string
	if j%4 == 0 { // an anticipation
		title = fmt.Sprintf("%s and %s expected to %s in %s on %s", a, b, verbs[v], place, day)
		lead = fmt.Sprintf("%s and %s are expected to %s in %s on %s, officials said, as talks over %s enter a decisive week.", a, b, verbs[v], place, day, topic)
	} else {
		title = fmt.Sprintf("%s %s in %s as %s weighs %s", a, past[v], place, org, topic)
		lead = fmt.Sprintf("%s %s with %s in %s on %s, according to people briefed on the meeting, in a step that could reshape %s.", a, past[v], b, place, day, topic)
	}
	// The rest of the description is varied prose, as distinct from one
	// story to the next as real copy is: a shared template would make every
	// story a near-duplicate of every other.
	var text strings.Builder
	text.WriteString(lead)
	for text.Len() < 560 {
		text.WriteByte(' ')
		n := 8 + r.IntN(10)
		for k := 0; k < n; k++ {
			w := pick(vocabulary)
			if k == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			if r.IntN(9) == 0 {
				w = pick(last)
			}
			text.WriteString(w)
			if k < n-1 {
				text.WriteByte(' ')
			}
		}
		fmt.Fprintf(&text, " %d.", r.IntN(2000))
	}
	fmt.Fprintf(&text, " %s, %s, item %d of outlet %d.", org, place, j, i)
	desc := text.String()
	return item{
		title:     title,
		link:      fmt.Sprintf("https://outlet%d.example/news/%d/%d", i, j, r.IntN(1e6)),
		desc:      desc,
		published: f.base.Add(time.Duration(j)*17*time.Minute + time.Duration(i%60)*time.Second),
	}
}
