package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/storyline/storyline/topic"
)

// validator checks a decoded Config. Positions come from the decoder;
// with none (a Config built in code) messages carry the key path instead.
type validator struct {
	c    *Config
	pos  map[string]position
	file string // main config file, for problems with no line
	errs *Errors
}

// Validate checks a Config built in code (Load validates already). The
// returned error, if any, is an Errors without line numbers.
func (c *Config) Validate() error {
	var errs Errors
	v := validator{c: c, pos: map[string]position{}, errs: &errs}
	v.validate()
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// errorf reports a problem at the first of paths that has a position.
func (v *validator) errorf(paths []string, format string, args ...any) {
	if p, ok := v.pos[paths[0]]; ok && p.failed {
		return
	}
	msg := fmt.Sprintf(format, args...)
	for _, p := range paths {
		if at, ok := v.pos[p]; ok {
			*v.errs = append(*v.errs, Error{File: at.file, Line: at.line, Column: at.col, Message: msg})
			return
		}
	}
	*v.errs = append(*v.errs, Error{File: v.file, Message: paths[0] + ": " + msg})
}

// at is shorthand for the candidate paths of errorf, most specific first.
func at(paths ...string) []string { return paths }

// raw returns the text of path as written in the file, falling back to
// the decoded value for configs built in code. Messages use it so that
// expanded environment values never show up in them.
func (v *validator) raw(path, value string) string {
	if p, ok := v.pos[path]; ok {
		return p.raw
	}
	return value
}

// where describes a first definition for "duplicate" messages.
func (v *validator) where(path string, from position) string {
	if p, ok := v.pos[path]; ok && p.file != from.file {
		return fmt.Sprintf("%s:%d", p.file, p.line)
	}
	if p, ok := v.pos[path]; ok {
		return fmt.Sprintf("line %d", p.line)
	}
	return path
}

func (v *validator) validate() {
	v.validateGeneral()
	feedNames := v.validateFeeds()
	topicNames := v.validateTopics(feedNames)
	v.validateNotify()
	v.validateDigests(topicNames)
}

func (v *validator) validateGeneral() {
	c := v.c
	if c.Storage.Path == "" {
		v.errorf(at("storage.path", "storage"), "storage.path must not be empty")
	}
	if c.Status.UnhealthyAfter <= 0 {
		v.errorf(at("status.unhealthy_after", "status"), "status.unhealthy_after must be positive")
	}
	if z := c.Display.Timezone; z != "" {
		if _, err := time.LoadLocation(z); err != nil {
			v.errorf(at("display.timezone", "display"), "display.timezone: unknown time zone %q (an IANA name such as Europe/Berlin)", z)
		}
	}
	if c.Ingest.MaxSize <= 0 {
		v.errorf(at("ingest.max_size", "ingest"), "ingest.max_size must be positive")
	}
	f := c.Fetch
	positive := []struct {
		key string
		ok  bool
	}{
		{"timeout", f.Timeout > 0},
		{"max_body", f.MaxBody > 0},
		{"per_host", f.PerHost > 0},
		{"workers", f.Workers > 0},
		{"default_interval", f.DefaultInterval > 0},
		{"min_interval", f.MinInterval > 0},
		{"max_interval", f.MaxInterval > 0},
		{"max_backoff", f.MaxBackoff > 0},
	}
	for _, p := range positive {
		if !p.ok {
			v.errorf(at("fetch."+p.key, "fetch"), "fetch.%s must be positive", p.key)
		}
	}
	if f.AlertAfter < 0 {
		v.errorf(at("fetch.alert_after", "fetch"), "fetch.alert_after must not be negative")
	}
	if f.MinInterval > f.MaxInterval {
		v.errorf(at("fetch.min_interval", "fetch.max_interval", "fetch"),
			"fetch.min_interval (%s) must not exceed fetch.max_interval (%s)", FormatDuration(f.MinInterval), FormatDuration(f.MaxInterval))
	}
	if strings.TrimSpace(f.UserAgent) == "" {
		v.errorf(at("fetch.user_agent", "fetch"), "fetch.user_agent must not be empty")
	}
	if l := c.Status.Listen; l != "" {
		if host, port, err := net.SplitHostPort(l); err != nil || !validPort(port) {
			v.errorf(at("status.listen", "status"), "status.listen must be host:port, got %q", v.raw("status.listen", l))
		} else if !loopbackHost(host) && c.Status.Token == "" {
			// The web view, calendar and metrics would be open to the network.
			v.errorf(at("status.listen", "status"), "status.listen %q is not loopback: set status.token (a long random string, e.g. ${STATUS_TOKEN}) so that only its holders read the views", v.raw("status.listen", l))
		}
	}
	if !oneOf(c.Log.Format, "text", "json") {
		v.errorf(at("log.format", "log"), "log.format must be text or json, got %q", v.raw("log.format", c.Log.Format))
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		v.errorf(at("log.level", "log"), "log.level must be debug, info, warn or error, got %q", v.raw("log.level", c.Log.Level))
	}
	if c.Followup.Upcoming <= 0 {
		v.errorf(at("followup.upcoming", "followup"), "followup.upcoming must be positive")
	}
	if t := c.Followup.Threshold; t < 0 || t > 1 {
		v.errorf(at("followup.threshold", "followup"), "followup.threshold must be between 0 and 1, got %v", t)
	}
	if m := c.Followup.Merge; m < 0 || m > 1 {
		v.errorf(at("followup.merge", "followup"), "followup.merge must be between 0 and 1, got %v", m)
	}
	r := c.Notify.Retry
	if r.MaxAttempts < 1 {
		v.errorf(at("notify.retry.max_attempts", "notify.retry"), "notify.retry.max_attempts must be at least 1")
	}
	if r.MaxAge <= 0 {
		v.errorf(at("notify.retry.max_age", "notify.retry"), "notify.retry.max_age must be positive")
	}
}

// validateFeeds returns the set of feed names.
func (v *validator) validateFeeds() map[string]bool {
	// No feeds is a valid config: reading, ingesting and searching work
	// without any; run and poll say there is nothing to poll.
	c := v.c
	names := make(map[string]bool, len(c.Feeds))
	first := make(map[string]string, len(c.Feeds))
	for i, f := range c.Feeds {
		p := fmt.Sprintf("feeds.%d", i)
		var label string
		if f.Name != "" && strings.ContainsAny(f.Name, "*?[]\\") {
			v.errorf(at(p+".name", p), "feed name %q must not contain glob characters * ? [ ] \\", v.raw(p+".name", f.Name))
			label = fmt.Sprintf("feed %q", v.raw(p+".name", f.Name))
		} else {
			label, _ = v.entryName("feed", p, f.Name, first)
			if f.Name != "" {
				names[f.Name] = true
			}
		}
		if f.URL == "" {
			v.errorf(at(p+".url", p), "%s is missing a url", label)
		} else if u, ok := httpURL(f.URL); !ok {
			v.errorf(at(p+".url", p), "%s: url must be an absolute http or https URL, got %q", label, v.raw(p+".url", f.URL))
		} else if !c.Fetch.AllowLinkLocal && linkLocalHost(u.Hostname()) {
			v.errorf(at(p+".url", p), "%s: url points to a link-local or cloud metadata address; set fetch.allow_link_local: true if a feed really lives there", label)
		} else if !c.Fetch.AllowPrivate && privateHost(u.Hostname()) {
			v.errorf(at(p+".url", p), "%s: url points to a loopback or private address but fetch.allow_private is false", label)
		}
		if f.Schedule != "" {
			v.checkSchedule(p+".schedule", label, f.Schedule)
		}
	}
	return names
}

func (v *validator) checkSchedule(p, label, spec string) {
	if _, err := ParseSchedule(spec); err != nil {
		rawSpec := v.raw(p, spec)
		if rawSpec != spec {
			// Came from ${VAR}: do not echo the parser's view of it.
			v.errorf(at(p), "%s: invalid schedule %q (after ${...} expansion)", label, rawSpec)
			return
		}
		v.errorf(at(p), "%s: invalid schedule %q: %v", label, rawSpec, err)
	}
}

// entryName checks that the list entry at path p (a feed, topic or digest)
// has a name not used by an earlier entry of its kind, recorded in first.
// It returns how errors should refer to the entry, and whether the name is
// present and new.
func (v *validator) entryName(kind, p, name string, first map[string]string) (label string, isNew bool) {
	if name == "" {
		v.errorf(at(p+".name", p), "%s is missing a name", kind)
		return "unnamed " + kind, false
	}
	raw := v.raw(p+".name", name)
	if fp, dup := first[name]; dup {
		v.errorf(at(p+".name", p), "duplicate %s name %q (first defined at %s)", kind, raw, v.where(fp, v.pos[p+".name"]))
		return fmt.Sprintf("%s %q", kind, raw), false
	}
	first[name] = p + ".name"
	return fmt.Sprintf("%s %q", kind, raw), true
}

// validateTopics returns the set of topic names.
func (v *validator) validateTopics(feeds map[string]bool) map[string]bool {
	names := make(map[string]bool, len(v.c.Topics))
	first := make(map[string]string)
	for i, t := range v.c.Topics {
		p := fmt.Sprintf("topics.%d", i)
		label, isNew := v.entryName("topic", p, t.Name, first)
		if isNew {
			names[t.Name] = true
		}
		if strings.TrimSpace(t.Query) == "" {
			v.errorf(at(p+".query", p), "%s is missing a query", label)
		} else if _, err := topic.Parse(t.Query); err != nil {
			v.queryError(p+".query", label, t.Query, err)
		}
		for _, l := range []struct {
			key  string
			pats []string
		}{{"feeds", t.Feeds}, {"exclude", t.Exclude}} {
			for j, pat := range l.pats {
				key := l.key
				pp := fmt.Sprintf("%s.%s.%d", p, key, j)
				if _, err := path.Match(pat, ""); err != nil || pat == "" {
					v.errorf(at(pp, p), "%s: %s entry %q is not a valid feed name or glob", label, key, v.raw(pp, pat))
				} else if !strings.ContainsAny(pat, "*?[\\") && !feeds[pat] {
					v.errorf(at(pp, p), "%s: %s entry %q names no defined feed", label, key, v.raw(pp, pat))
				}
			}
		}
		if t.MinSources < 1 {
			v.errorf(at(p+".min_sources", p), "%s: min_sources must be at least 1", label)
		}
	}
	return names
}

func (v *validator) validateNotify() {
	n := v.c.Notify
	if e := n.Email; e != nil {
		p := "notify.email"
		if e.Host == "" {
			v.errorf(at(p+".host", p), "notify.email.host is required")
		}
		if e.Port < 0 || e.Port > 65535 {
			v.errorf(at(p+".port", p), "notify.email.port must be between 1 and 65535")
		}
		switch e.TLS {
		case TLSStartTLS, TLSImplicit:
		case TLSNone:
			if e.Host != "" && !loopbackHost(e.Host) {
				v.errorf(at(p+".tls", p), "notify.email.tls: none is only allowed for a loopback host (127.0.0.1, ::1, localhost), not %q", v.raw(p+".host", e.Host))
			}
		default:
			v.errorf(at(p+".tls", p), "notify.email.tls must be starttls, implicit or none, got %q", v.raw(p+".tls", e.TLS))
		}
		if e.From == "" {
			v.errorf(at(p+".from", p), "notify.email.from is required")
		} else if _, err := mail.ParseAddress(e.From); err != nil {
			v.errorf(at(p+".from", p), "notify.email.from: invalid address %q", v.raw(p+".from", e.From))
		}
		if e.Password != "" && e.Username == "" {
			v.errorf(at(p+".password", p), "notify.email.password is set but username is empty")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(n.Webhooks)) {
		w := n.Webhooks[name]
		p := "notify.webhooks." + name
		label := fmt.Sprintf("webhook %q", name)
		if w.URL == "" {
			v.errorf(at(p+".url", p), "%s is missing a url", label)
		} else if _, ok := httpURL(w.URL); !ok {
			v.errorf(at(p+".url", p), "%s: url must be an absolute http or https URL, got %q", label, v.raw(p+".url", w.URL))
		}
		if !oneOf(w.Format, FormatJSON, FormatSlack, FormatDiscord, FormatNtfy) {
			v.errorf(at(p+".format", p), "%s: format must be json, slack, discord or ntfy, got %q", label, v.raw(p+".format", w.Format))
		}
	}
}

func (v *validator) validateDigests(topics map[string]bool) {
	first := make(map[string]string)
	for i, d := range v.c.Digests {
		p := fmt.Sprintf("digests.%d", i)
		label, _ := v.entryName("digest", p, d.Name, first)
		if d.Schedule == "" {
			v.errorf(at(p+".schedule", p), "%s is missing a schedule", label)
		} else {
			v.checkSchedule(p+".schedule", label, d.Schedule)
		}
		for j, t := range d.Topics {
			if !topics[t] {
				pp := fmt.Sprintf("%s.topics.%d", p, j)
				v.errorf(at(pp, p), "%s: unknown topic %q", label, v.raw(pp, t))
			}
		}
		if d.Timezone != "" {
			if _, err := time.LoadLocation(d.Timezone); err != nil {
				v.errorf(at(p+".timezone", p), "%s: unknown time zone %q (an IANA name such as Europe/Berlin)", label, d.Timezone)
			}
		}
		if len(d.To) == 0 {
			v.errorf(at(p+".to", p), "%s has no recipients: to needs \"email:ADDR\" or \"webhook:NAME\" entries", label)
		}
		for j, to := range d.To {
			pp := fmt.Sprintf("%s.to.%d", p, j)
			kind, target, _ := strings.Cut(to, ":")
			switch kind {
			case RecipientEmail:
				if _, err := mail.ParseAddress(target); err != nil {
					v.errorf(at(pp, p), "%s: invalid email address in %q", label, v.raw(pp, to))
				} else if v.c.Notify.Email == nil {
					v.errorf(at(pp, p), "%s: %q needs notify.email to be configured", label, v.raw(pp, to))
				}
			case RecipientWebhook:
				if _, ok := v.c.Notify.Webhooks[target]; !ok {
					v.errorf(at(pp, p), "%s: %q names no webhook defined under notify.webhooks", label, v.raw(pp, to))
				}
			default:
				v.errorf(at(pp, p), "%s: recipient %q must be \"email:ADDR\" or \"webhook:NAME\"", label, v.raw(pp, to))
			}
		}
		if d.MaxStories < 1 {
			v.errorf(at(p+".max_stories", p), "%s: max_stories must be at least 1", label)
		}
	}
}

func oneOf(s string, allowed ...string) bool { return slices.Contains(allowed, s) }
func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 65535
}

func httpURL(s string) (*url.URL, bool) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, false
	}
	scheme := strings.ToLower(u.Scheme)
	return u, (scheme == "http" || scheme == "https") && u.Host != "" && u.Hostname() != ""
}

func loopbackHost(h string) bool {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

// linkLocalHost reports hosts that are link-local by their literal form,
// or a cloud metadata endpoint's name.
func linkLocalHost(h string) bool {
	switch strings.ToLower(strings.TrimSuffix(h, ".")) {
	case "metadata.google.internal", "metadata":
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && (ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast())
}

// privateHost reports hosts that are private by their literal form; names
// that resolve to private addresses are the fetcher's to refuse.
func privateHost(h string) bool {
	if loopbackHost(h) || strings.HasSuffix(strings.ToLower(strings.TrimSuffix(h, ".")), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && (ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified())
}

// queryError reports a topic query that does not parse with every other
// problem ("check" shows them all at once), at the query's line and, for a
// syntax error in a one-line scalar, at the very column.
func (v *validator) queryError(path, label, query string, err error) {
	msg := fmt.Sprintf("%s: query: %v", label, err)
	at, ok := v.pos[path]
	if !ok {
		*v.errs = append(*v.errs, Error{File: v.file, Message: path + ": " + msg})
		return
	}
	e := Error{File: at.file, Line: at.line, Column: at.col, Message: msg}
	var se *topic.SyntaxError
	if errors.As(err, &se) {
		if data, rerr := os.ReadFile(at.file); rerr == nil {
			if lines := strings.Split(string(data), "\n"); at.line-1 < len(lines) {
				if col, ok := queryColumn(lines[at.line-1], at, query, se.Col); ok {
					e.Column = col
				}
			}
		}
	}
	*v.errs = append(*v.errs, e)
}

// queryColumn maps column col of the query (in characters) to the column
// of line, where the query's scalar starts (at). Plain and quoted scalars
// on one line map exactly (a quoted one through its escapes); block
// scalars do not.
func queryColumn(line string, at position, query string, col int) (int, bool) {
	if strings.Contains(query, "\n") {
		return 0, false
	}
	runes := []rune(line)
	start := at.col - 1 // 0-based index of the scalar's first character
	if start < 0 || start >= len(runes) {
		return 0, false
	}
	switch at.style {
	case 0, yaml.FlowStyle:
		if !strings.HasPrefix(string(runes[start:]), query) {
			return 0, false
		}
		return at.col + col - 1, true
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		// Walk the raw text after the opening quote, one query character
		// at a time; an escape ('' or \x) is one character of the query.
		i := start + 1
		for k := 1; k < col; k++ {
			if i >= len(runes) {
				return 0, false
			}
			if at.style == yaml.SingleQuotedStyle && runes[i] == '\'' {
				i += 2
				continue
			}
			if at.style == yaml.DoubleQuotedStyle && runes[i] == '\\' {
				if i+1 >= len(runes) {
					return 0, false
				}
				switch runes[i+1] {
				case 'x':
					i += 4
				case 'u':
					i += 6
				case 'U':
					i += 10
				default:
					i += 2
				}
				continue
			}
			i++
		}
		return i + 1, true
	}
	return 0, false
}
