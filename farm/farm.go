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

// New returns a farm of n feeds showing perFeed items each.
func New(n, perFeed int) *Farm {
	return &Farm{feeds: n, perFeed: perFeed, total: perFeed,
		base: time.Date(2025, 3, 3, 6, 0, 0, 0, time.UTC)}
}

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
	first  = strings.Fields("Amara Bastian Celine Dario Elena Farid Greta Hugo Ines Jonas Kaito Lena Mateo Nadia Oskar Priya Quentin Rosa Stefan Talia Umar Vera Wim Xenia Yusuf Zora")
	last   = strings.Fields("Abernathy Brandvold Castellano Dubois Eriksen Fairweather Gallo Hakimi Ivanova Jansen Kowalski Lindqvist Moreau Nakamura Okafor Petrov Quiroga Rinaldi Sorensen Takahashi Ueda Valdez Whitmore Xu Yilmaz Zeller")
	places = strings.Fields("Arborville Brackenridge Coldwater Dunmore Eastport Fernhill Glenrock Harrowgate Ironbridge Juniper Kingsbay Lakemoor Millbrook Northgate Oakhaven Pinecrest Queensferry Riverton Stonehaven Thornbury Upton Valecrest Westmere Yarrow")
	orgs   = strings.Fields("Altima Borealis Cobalt Driftwood Everest Falcon Granite Helios Ironclad Jadeport Keystone Lumen Meridian Nimbus Orion Pioneer Quasar Redwood Summit Tidewater Unity Vanguard Willow Zenith")
	kinds  = strings.Fields("Bank Energy Rail Airlines Pharma Motors Telecom Foods Shipping Mining Insurance Media")
	verbs  = []string{"meet", "sign a trade pact", "announce a merger", "vote on the budget", "testify before lawmakers", "unveil a new plan", "hold talks", "release results"}
	past   = []string{"met", "signed a trade pact", "announced a merger", "voted on the budget", "testified before lawmakers", "unveiled a new plan", "held talks", "released results"}
	days   = strings.Fields("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
	topics = []string{"water prices", "the new ferry line", "hospital funding", "a disputed wind farm", "rail fares", "the port expansion", "school meals", "housing permits", "a border crossing", "fishing quotas"}
)

func outletName(i int) string {
	return fmt.Sprintf("%s %s Herald %d", places[i%len(places)], orgs[(i/len(places))%len(orgs)], i)
}

// item i,j is generated from a seed so every run serves the same text.
func (f *Farm) item(i, j int) item {
	r := rand.New(rand.NewPCG(uint64(i)*1_000_003+uint64(j), 0x5eed))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	a := pick(first) + " " + pick(last)
	b := pick(first) + " " + pick(last)
	org := pick(orgs) + " " + pick(kinds)
	place := pick(places)
	topic := pick(topics)
	v := r.IntN(len(verbs))
	day := pick(days)
	n := 1000 + r.IntN(90000)
	pct := 1 + r.IntN(9)
	var title, lead string
	if j%4 == 0 { // an anticipation
		title = fmt.Sprintf("%s and %s expected to %s in %s on %s", a, b, verbs[v], place, day)
		lead = fmt.Sprintf("%s and %s are expected to %s in %s on %s, officials said, as talks over %s enter a decisive week.", a, b, verbs[v], place, day, topic)
	} else {
		title = fmt.Sprintf("%s %s in %s as %s weighs %s", a, past[v], place, org, topic)
		lead = fmt.Sprintf("%s %s with %s in %s on %s, according to people briefed on the meeting, in a step that could reshape %s.", a, past[v], b, place, day, topic)
	}
	desc := lead + fmt.Sprintf(" %s said on %s it would invest %d million in the region over five years, and its shares rose %d%% in early trading. ", org, day, n/100, pct) +
		fmt.Sprintf("Critics in %s warned that the plan leaves %d households without a clear timetable, while supporters pointed to new jobs at the %s site. ", place, n, org) +
		fmt.Sprintf("A spokesperson for %s declined to comment on the details of %s before the next council session. ", b, topic) +
		fmt.Sprintf("Item %d of outlet %d.", j, i)
	return item{
		title:     title,
		link:      fmt.Sprintf("https://outlet%d.example/news/%d/%d", i, j, r.IntN(1e6)),
		desc:      desc,
		published: f.base.Add(time.Duration(j)*17*time.Minute + time.Duration(i%60)*time.Second),
	}
}
