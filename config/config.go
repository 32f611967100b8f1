// Package config loads storyline's YAML configuration: schema, defaults,
// validation that reports every problem with its file:line, and ${ENV}
// expansion for secrets.
//
// The public types are plain values (time.Duration, int64 byte counts,
// strings, slices) so that other packages can use them without knowing
// about YAML. The key names are a user-facing contract (see DESIGN.md):
// add keys, never rename them.
package config

import (
	"path/filepath"
	"strings"
	"time"
)

// defaultStoragePath is storage.path when neither the file nor
// $STATE_DIRECTORY says otherwise.
func defaultStoragePath(getenv func(string) string) string {
	// systemd joins several StateDirectory= entries with ':'.
	if dir, _, _ := strings.Cut(getenv("STATE_DIRECTORY"), ":"); dir != "" {
		return filepath.Join(dir, "storyline.db")
	}
	return "./storyline.db"
}

// Defaults is the configuration of no config file: every default, no
// feeds, the database where Load would put it.
func Defaults(getenv func(string) string) *Config {
	c := Default()
	c.Storage.Path = defaultStoragePath(getenv)
	return c
}

// Config is a fully loaded, defaulted and validated configuration.
type Config struct {
	Storage  Storage  `yaml:"storage"`
	Fetch    Fetch    `yaml:"fetch"`
	Status   Status   `yaml:"status"`
	Log      Log      `yaml:"log"`
	Followup Followup `yaml:"followup"`
	Ingest   Ingest   `yaml:"ingest"`
	Display  Display  `yaml:"display"`
	// Include lists glob patterns, relative to the main config's
	// directory, of files whose top-level feeds: lists are appended to
	// Feeds by Load.
	Include []string `yaml:"include"`
	Feeds   []Feed   `yaml:"feeds"`
	Topics  []Topic  `yaml:"topics"`
	Digests []Digest `yaml:"digests"`
	Notify  Notify   `yaml:"notify"`
}

// Storage configures the database.
type Storage struct {
	// Path of the SQLite file; relative paths are kept as written
	// (relative to the daemon's working directory).
	Path string `yaml:"path"`
	// Retention is how long stories are kept; 0 keeps them forever.
	Retention time.Duration `yaml:"retention"`
}

// Fetch configures HTTP polling. Byte sizes are int64 fields.
type Fetch struct {
	Timeout   time.Duration `yaml:"timeout"`
	MaxBody   int64         `yaml:"max_body"`
	UserAgent string        `yaml:"user_agent"`
	PerHost   int           `yaml:"per_host"`
	Workers   int           `yaml:"workers"`
	// DefaultInterval is the poll interval (plus per-feed jitter) for
	// feeds without a schedule.
	DefaultInterval time.Duration `yaml:"default_interval"`
	// MinInterval and MaxInterval clamp server hints (Retry-After,
	// Cache-Control max-age, RSS ttl).
	MinInterval time.Duration `yaml:"min_interval"`
	MaxInterval time.Duration `yaml:"max_interval"`
	MaxBackoff  time.Duration `yaml:"max_backoff"`
	// AllowPrivate=false refuses loopback, private and link-local
	// addresses (SSRF protection when feeds come from untrusted OPML).
	AllowPrivate bool `yaml:"allow_private"`
	// AllowLinkLocal admits link-local (169.254.0.0/16, fe80::/10) and
	// cloud metadata addresses, which allow_private does not.
	AllowLinkLocal bool `yaml:"allow_link_local"`
	// AlertAfter is how long a feed may keep failing before digests report
	// it; 0 reports it from its first failure.
	AlertAfter time.Duration `yaml:"alert_after"`
}

// Status configures the /healthz and /metrics listener.
type Status struct {
	// Listen is a host:port; empty disables the listener.
	Listen string `yaml:"listen"`
	// UnhealthyAfter is how long every poll may fail to store its stories
	// (disk full, a malformed or locked database) before /healthz answers
	// 503 and the systemd watchdog stops being fed.
	UnhealthyAfter time.Duration `yaml:"unhealthy_after"`
	// Token, when set, must come with every request for the web views, the
	// calendar and the Atom feed (Authorization: Bearer, or ?token=);
	// required when Listen is not loopback.
	Token Secret `yaml:"token"`
}

// Log configures logging.
type Log struct {
	Format string `yaml:"format"` // text | json
	Level  string `yaml:"level"`  // debug | info | warn | error
}

// Followup configures anticipation tracking.
// Display sets how the command line shows things to a person.
type Display struct {
	// Timezone is an IANA zone name (Europe/Berlin) for the times in CLI
	// tables; "" is the machine's local zone. JSON output stays UTC.
	Timezone string `yaml:"timezone"`
}

// Location is the zone of Display.Timezone (validated by Load).
func (d Display) Location() *time.Location {
	if d.Timezone == "" {
		return time.Local
	}
	if loc, err := time.LoadLocation(d.Timezone); err == nil {
		return loc
	}
	return time.Local
}

// Ingest bounds `storyline ingest`.
type Ingest struct {
	// MaxSize refuses archive files larger than this: a file is read
	// whole, so it bounds the command's memory.
	MaxSize int64 `yaml:"max_size"`
}

type Followup struct {
	// Grace after the expected date before an event counts as overdue.
	Grace time.Duration `yaml:"grace"`
	// Upcoming is the look-ahead window of a digest's "upcoming" section.
	Upcoming time.Duration `yaml:"upcoming"`
	// Threshold is the lowest score (0-1) that links an outcome story to an
	// event, and Merge the lowest term overlap (0-1) at which a story
	// announcing an event joins the event another story announced; 0
	// keeps the defaults measured on the evaluation sets.
	Threshold float64 `yaml:"threshold"`
	Merge     float64 `yaml:"merge"`
	// Horizon is how long an event announced without a date stays pending
	// with no outcome before it counts as overdue.
	Horizon time.Duration `yaml:"horizon"`
}

// Feed is one polled feed.
type Feed struct {
	Name string `yaml:"name"`
	URL  string `yaml:"url"`
	// Schedule is a cron spec (see ParseSchedule); "" means
	// Fetch.DefaultInterval with jitter.
	Schedule string `yaml:"schedule"`
	// Timeout and UserAgent are filled from Fetch when not set per feed.
	Timeout   time.Duration `yaml:"timeout"`
	UserAgent string        `yaml:"user_agent"`
}

// Topic is a saved query.
type Topic struct {
	Name  string `yaml:"name"`
	Query string `yaml:"query"`
	// Feeds and Exclude hold feed names or path.Match globs; empty Feeds
	// means every feed.
	Feeds      []string `yaml:"feeds"`
	Exclude    []string `yaml:"exclude"`
	MinSources int      `yaml:"min_sources"`
	Priority   int      `yaml:"priority"`
}

func (t *Topic) setDefaults() { t.MinSources = 1 }

// Digest is a scheduled summary delivered to recipients.
type Digest struct {
	Name     string `yaml:"name"`
	Schedule string `yaml:"schedule"`
	// Topics limits the digest to these topics; empty covers every story.
	Topics []string `yaml:"topics"`
	// To holds "email:ADDR" and "webhook:NAME" entries; see Recipients.
	To         []string `yaml:"to"`
	SendEmpty  bool     `yaml:"send_empty"`
	MaxStories int      `yaml:"max_stories"`
	// Subject defaults to "storyline: NAME".
	Subject string `yaml:"subject"`
	// Timezone is the IANA zone of the times its recipients read; "" is
	// UTC. The JSON payload stays UTC.
	Timezone string `yaml:"timezone"`
}

func (d *Digest) setDefaults() { d.MaxStories = 50 }

// Recipient kinds.
const (
	RecipientEmail   = "email"
	RecipientWebhook = "webhook"
)

// Recipient is one parsed entry of Digest.To.
type Recipient struct {
	Kind   string // RecipientEmail or RecipientWebhook
	Target string // the address, or the webhook name
}

// Recipients splits To into kinds and targets. Entries are validated by
// Load, so every entry of a loaded config yields a recipient.
func (d Digest) Recipients() []Recipient {
	out := make([]Recipient, 0, len(d.To))
	for _, to := range d.To {
		kind, target, _ := strings.Cut(to, ":")
		out = append(out, Recipient{Kind: kind, Target: target})
	}
	return out
}

// Notify configures delivery.
type Notify struct {
	// Email is nil when no SMTP relay is configured.
	Email    *Email             `yaml:"email"`
	Webhooks map[string]Webhook `yaml:"webhooks"`
	Retry    Retry              `yaml:"retry"`
}

// TLS modes for Email.TLS.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "implicit"
	TLSNone     = "none"
)

// Email configures the SMTP relay.
type Email struct {
	Host string `yaml:"host"`
	// Port defaults to 587 (starttls), 465 (implicit) or 25 (none).
	Port     int    `yaml:"port"`
	TLS      string `yaml:"tls"`
	Username string `yaml:"username"`
	Password Secret `yaml:"password"`
	From     string `yaml:"from"`
}

func (e *Email) setDefaults() { e.TLS = TLSStartTLS }

// Webhook formats.
const (
	FormatJSON    = "json"
	FormatSlack   = "slack"
	FormatDiscord = "discord"
	FormatNtfy    = "ntfy"
)

// Webhook is a named HTTP endpoint. For Slack and Discord the URL itself
// is a credential: prefer "${ENV}" for it.
type Webhook struct {
	URL    string `yaml:"url"`
	Format string `yaml:"format"`
	// Secret signs the request body (HMAC); empty sends no signature.
	Secret Secret `yaml:"secret"`
}

func (w *Webhook) setDefaults() { w.Format = FormatJSON }

// Retry is the outbox retry budget per delivery.
type Retry struct {
	MaxAttempts int           `yaml:"max_attempts"`
	MaxAge      time.Duration `yaml:"max_age"`
}

// DefaultUserAgent is sent when fetch.user_agent is not set.
const DefaultUserAgent = "storyline/1 (+https://github.com/storyline/storyline)"

// Default returns a configuration with every default applied and no
// feeds. Load additionally points Storage.Path into $STATE_DIRECTORY
// (set by systemd's StateDirectory=) when that variable is set.
func Default() *Config {
	return &Config{
		Storage: Storage{Path: "./storyline.db", Retention: 180 * day},
		Fetch: Fetch{
			Timeout:         20 * time.Second,
			MaxBody:         15 << 20,
			UserAgent:       DefaultUserAgent,
			PerHost:         2,
			Workers:         16,
			DefaultInterval: 30 * time.Minute,
			MinInterval:     5 * time.Minute,
			MaxInterval:     24 * time.Hour,
			MaxBackoff:      24 * time.Hour,
			AllowPrivate:    true,
			AlertAfter:      day,
		},
		Status:   Status{UnhealthyAfter: 2 * time.Minute},
		Log:      Log{Format: "text", Level: "info"},
		Followup: Followup{Grace: 2 * day, Upcoming: 7 * day, Horizon: 30 * day},
		Ingest:   Ingest{MaxSize: 256 << 20},
		Notify:   Notify{Retry: Retry{MaxAttempts: 8, MaxAge: 24 * time.Hour}},
	}
}

// fillDerived applies defaults that depend on other values.
func (c *Config) fillDerived() {
	for i := range c.Feeds {
		f := &c.Feeds[i]
		if f.Timeout == 0 {
			f.Timeout = c.Fetch.Timeout
		}
		if f.UserAgent == "" {
			f.UserAgent = c.Fetch.UserAgent
		}
	}
	for i := range c.Digests {
		if d := &c.Digests[i]; d.Subject == "" {
			d.Subject = "storyline: " + d.Name
		}
	}
	if e := c.Notify.Email; e != nil && e.Port == 0 {
		switch e.TLS {
		case TLSImplicit:
			e.Port = 465
		case TLSNone:
			e.Port = 25
		default:
			e.Port = 587
		}
	}
}
