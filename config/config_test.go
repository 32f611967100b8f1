package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/robfig/cron/v3"
)

// writeFile writes content to dir/name (creating parent directories)
// and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// loadErrors loads content expecting failure and returns the Errors.
func loadErrors(t *testing.T, path string, getenv func(string) string) Errors {
	t.Helper()
	c, err := Load(path, getenv)
	if err == nil {
		t.Fatalf("Load succeeded, want errors; got %+v", c)
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load error is %T, want config.Errors: %v", err, err)
	}
	return errs
}

const fullConfig = `
storage: {path: data/sl.db, retention: 90d}
fetch:
  timeout: 1m30s
  max_body: 512KiB
  user_agent: "test-agent/1"
  per_host: 3
  workers: 4
  default_interval: 1h
  min_interval: 10m
  max_interval: 1d12h
  max_backoff: 2w
  allow_private: false
  alert_after: 12h
status: {listen: "127.0.0.1:0"}
log: {format: json, level: debug}
followup: {grace: 36h, upcoming: 1w}
feeds:
  - {name: reuters-world, url: https://feeds.example.org/reuters, schedule: "*/15 * * * *"}
  - name: ap-top
    url: http://feeds.example.org/ap
    schedule: "CRON_TZ=Europe/Berlin 0 7 * * 1-5"
    timeout: 5s
    user_agent: ap-agent
  - {name: kremlin, url: "https://feeds.example.org/kremlin?lang=en"}
topics:
  - name: us-russia
    query: '(Trump OR Biden) AND (Putin OR Kremlin) -sport'
    feeds: [reuters-*, kremlin]
    exclude: [ap-top]
    min_sources: 2
    priority: -1
  - {name: all, query: "*"}
digests:
  - name: morning
    schedule: "@daily"
    topics: [us-russia]
    to: ["email:Me <me@example.org>", "webhook:ops"]
    send_empty: true
    max_stories: 10
    subject: Morning
  - {name: hourly, schedule: "@every 1h", to: ["webhook:chat"]}
notify:
  email:
    host: smtp.example.org
    tls: implicit
    username: bot
    password: "${SMTP_PASSWORD}"
    from: storyline@example.org
  webhooks:
    ops: {url: https://hooks.example.org/ops, format: ntfy, secret: "${HOOK_SECRET}"}
    chat: {url: "${CHAT_URL:-https://hooks.example.org/chat}", format: slack}
  retry: {max_attempts: 3, max_age: 6h}
`

func TestLoadFull(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "storyline.yaml", fullConfig)
	got, err := Load(path, env(map[string]string{"SMTP_PASSWORD": "pw", "HOOK_SECRET": "hs"}))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Storage: Storage{Path: filepath.Join(dir, "data/sl.db"), Retention: 90 * day},
		Fetch: Fetch{
			Timeout: 90 * time.Second, MaxBody: 512 << 10, UserAgent: "test-agent/1",
			PerHost: 3, Workers: 4, DefaultInterval: time.Hour, MinInterval: 10 * time.Minute,
			MaxInterval: 36 * time.Hour, MaxBackoff: 14 * day, AllowPrivate: false, AlertAfter: 12 * time.Hour,
		},
		Status:   Status{Listen: "127.0.0.1:0", UnhealthyAfter: 2 * time.Minute},
		Log:      Log{Format: "json", Level: "debug"},
		Followup: Followup{Grace: 36 * time.Hour, Upcoming: 7 * day, Horizon: 30 * day},
		Ingest:   Ingest{MaxSize: 256 << 20},
		Feeds: []Feed{
			{Name: "reuters-world", URL: "https://feeds.example.org/reuters", Schedule: "*/15 * * * *", Timeout: 90 * time.Second, UserAgent: "test-agent/1"},
			{Name: "ap-top", URL: "http://feeds.example.org/ap", Schedule: "CRON_TZ=Europe/Berlin 0 7 * * 1-5", Timeout: 5 * time.Second, UserAgent: "ap-agent"},
			{Name: "kremlin", URL: "https://feeds.example.org/kremlin?lang=en", Timeout: 90 * time.Second, UserAgent: "test-agent/1"},
		},
		Topics: []Topic{
			{Name: "us-russia", Query: "(Trump OR Biden) AND (Putin OR Kremlin) -sport", Feeds: []string{"reuters-*", "kremlin"}, Exclude: []string{"ap-top"}, MinSources: 2, Priority: -1},
			{Name: "all", Query: "*", MinSources: 1},
		},
		Digests: []Digest{
			{Name: "morning", Schedule: "@daily", Topics: []string{"us-russia"}, To: []string{"email:Me <me@example.org>", "webhook:ops"}, SendEmpty: true, MaxStories: 10, Subject: "Morning"},
			{Name: "hourly", Schedule: "@every 1h", To: []string{"webhook:chat"}, MaxStories: 50, Subject: "storyline: hourly"},
		},
		Notify: Notify{
			Email: &Email{Host: "smtp.example.org", Port: 465, TLS: TLSImplicit, Username: "bot", Password: "pw", From: "storyline@example.org"},
			Webhooks: map[string]Webhook{
				"ops":  {URL: "https://hooks.example.org/ops", Format: FormatNtfy, Secret: "hs"},
				"chat": {URL: "https://hooks.example.org/chat", Format: FormatSlack},
			},
			Retry: Retry{MaxAttempts: 3, MaxAge: 6 * time.Hour},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	if rs := got.Digests[0].Recipients(); !cmp.Equal(rs, []Recipient{{RecipientEmail, "Me <me@example.org>"}, {RecipientWebhook, "ops"}}) {
		t.Errorf("Recipients = %+v", rs)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Validate on a loaded config: %v", err)
	}
}

func TestLoadDefaults(t *testing.T) {
	minimal := "feeds:\n  - {name: a, url: https://example.org/a}\n"
	tests := []struct {
		name, content string
		env           map[string]string
		wantPath      string
	}{
		{"no state dir", minimal, nil, "./storyline.db"},
		{"state dir", minimal, map[string]string{"STATE_DIRECTORY": "/var/lib/storyline"}, "/var/lib/storyline/storyline.db"},
		{"several state dirs", minimal, map[string]string{"STATE_DIRECTORY": "/var/lib/a:/var/lib/b"}, "/var/lib/a/storyline.db"},
		{"relative path is the config folder's", "storage: {path: db/x.db}\n" + minimal, map[string]string{"STATE_DIRECTORY": "/s"}, "CFGDIR/db/x.db"},
		{"null section keeps defaults", "storage:\nfetch: ~\n" + minimal, nil, "./storyline.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "c.yaml", tt.content)
			got, err := Load(path, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			want.Storage.Path = strings.Replace(tt.wantPath, "CFGDIR", filepath.Dir(path), 1)
			want.Feeds = []Feed{{Name: "a", URL: "https://example.org/a", Timeout: 20 * time.Second, UserAgent: DefaultUserAgent}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// brokenConfig has one or more problems on most lines; want lists them
// all, in order.
const brokenConfig = `storage:
  path: ""
  retention: 10x
fetch:
  timout: 20s
  max_body: 15 parsecs
  per_host: 0
  workers: -3
  min_interval: 2d
  max_interval: 1d
  allow_private: maybe
status:
  listen: "localhost"
log: {format: xml, level: loud}
followup: {grace: 1d, upcomming: 3d}
feeds:
  - name: a
    url: https://example.org/a.rss
    schedule: "TZ= * * * * *"
  - name: a
    url: ftp://example.org/b
  - url: https://example.org/c
    schedule: "61 * * * *"
  - name: d
  - name: e
    url: https://example.org/e
    schedule: "CRON_TZ=Mars/Olympus 0 7 * * *"
topics:
  - name: t1
    feeds: [nosuch, "[bad"]
  - name: t1
    query: x
    min_sources: 0
digests:
  - name: dg
    to: ["email:not an address", "webhook:nohook", "sms:123", "email:me@example.org"]
    topics: [t1, t9]
  - name: dg
    schedule: "TZ=0"
notify:
  webhooks:
    ops: {url: "example.org/hook", format: xml}
    ops: {url: https://example.org/hook}
  email: {host: smtp.example.org, tls: none, from: "x", password: p}
  retry: {max_attempts: 0}
  extra: 1
`

func TestLoadReportsEveryError(t *testing.T) {
	path := writeFile(t, t.TempDir(), "broken.yaml", brokenConfig)
	errs := loadErrors(t, path, env(nil))
	want := []struct {
		line, col int
		msg       string
	}{
		{2, 9, "storage.path must not be empty"},
		{3, 14, `storage.retention: invalid duration "10x"`},
		{5, 3, `unknown key "timout" in fetch (did you mean "timeout"?)`},
		{6, 13, `fetch.max_body: invalid size "15 parsecs"`},
		{7, 13, "fetch.per_host must be positive"},
		{8, 12, "fetch.workers must be positive"},
		{9, 17, "fetch.min_interval (2d) must not exceed fetch.max_interval (1d)"},
		{11, 18, `fetch.allow_private: expected true or false, got "maybe"`},
		{13, 11, `status.listen must be host:port, got "localhost"`},
		{14, 15, `log.format must be text or json, got "xml"`},
		{14, 27, `log.level must be debug, info, warn or error, got "loud"`},
		{15, 23, `unknown key "upcomming" in followup`},
		{19, 15, `feed "a": invalid schedule "TZ= * * * * *": empty time zone`},
		{20, 11, `duplicate feed name "a" (first defined at line 17)`},
		{21, 10, `feed "a": url must be an absolute http or https URL, got "ftp://example.org/b"`},
		{22, 5, "feed is missing a name"},
		{23, 15, `unnamed feed: invalid schedule "61 * * * *"`},
		{24, 5, `feed "d" is missing a url`},
		{27, 15, `feed "e": invalid schedule "CRON_TZ=Mars/Olympus 0 7 * * *": unknown time zone "Mars/Olympus"`},
		{29, 5, `topic "t1" is missing a query`},
		{30, 13, `topic "t1": feeds entry "nosuch" names no defined feed`},
		{30, 21, `topic "t1": feeds entry "[bad" is not a valid feed name or glob`},
		{31, 11, `duplicate topic name "t1" (first defined at line 29)`},
		{33, 18, `topic "t1": min_sources must be at least 1`},
		{35, 5, `digest "dg" is missing a schedule`},
		{36, 10, `digest "dg": invalid email address in "email:not an address"`},
		{36, 34, `digest "dg": "webhook:nohook" names no webhook defined under notify.webhooks`},
		{36, 52, `digest "dg": recipient "sms:123" must be "email:ADDR" or "webhook:NAME"`},
		{37, 18, `digest "dg": unknown topic "t9"`},
		{38, 5, `digest "dg" has no recipients`},
		{38, 11, `duplicate digest name "dg" (first defined at line 35)`},
		{39, 15, `digest "dg": invalid schedule "TZ=0": unknown time zone "0"`},
		{42, 16, `webhook "ops": url must be an absolute http or https URL, got "example.org/hook"`},
		{42, 44, `webhook "ops": format must be json, slack, discord or ntfy, got "xml"`},
		{43, 5, `notify.webhooks: duplicate name "ops" (first defined at line 42)`},
		{44, 40, `notify.email.tls: none is only allowed for a loopback host`},
		{44, 52, `notify.email.from: invalid address "x"`},
		{44, 67, "notify.email.password is set but username is empty"},
		{45, 25, "notify.retry.max_attempts must be at least 1"},
		{46, 3, `unknown key "extra" in notify`},
	}
	for i := 0; i < max(len(want), len(errs)); i++ {
		switch {
		case i >= len(errs):
			t.Errorf("missing error %d: %d:%d: %s", i, want[i].line, want[i].col, want[i].msg)
		case i >= len(want):
			t.Errorf("unexpected error: %v", &errs[i])
		default:
			e, w := errs[i], want[i]
			if e.File != path || e.Line != w.line || e.Column != w.col || !strings.Contains(e.Message, w.msg) {
				t.Errorf("error %d:\n got %v\nwant %s:%d:%d: %s...", i, &e, path, w.line, w.col, w.msg)
			}
		}
	}
	// Error() prints one FILE:LINE:COL: line per problem.
	lines := strings.Split(errs.Error(), "\n")
	if len(lines) != len(errs) || !strings.HasPrefix(lines[0], path+":2:9: ") {
		t.Errorf("Errors.Error() = %q", errs.Error())
	}
}

func TestLoadSyntaxAndFileErrors(t *testing.T) {
	dir := t.TempDir()
	t.Run("missing file", func(t *testing.T) {
		_, err := Load(filepath.Join(dir, "nope.yaml"), env(nil))
		var errs Errors
		if !errors.As(err, &errs) || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v, want Errors wrapping fs.ErrNotExist", err)
		}
	})
	tests := []struct {
		name, content string
		want          string // FILE:... suffix after the path
	}{
		{"syntax", "feeds: []\nlog: {}\nstatus 2\nfetch: {}\n", ":3: YAML syntax error: could not find expected ':'"},
		{"tab indent", "feeds:\n\t- name: a\n", ":2: YAML syntax error"},
		{"scalar root", "hello\n", ":1:1: the top level must be a mapping"},
		{"two documents", "feeds: []\n---\nfeeds: []\n", ":2:1: only one YAML document"},
		{"wrong kinds", "feeds: {name: a}\n", ":1:8: feeds: expected a list, got a mapping"},
		{"scalar for list of strings", "feeds: [{name: a, url: 'https://x.org'}]\ntopics: [{name: t, query: q, feeds: a}]\n", ":2:37: topics.0.feeds: expected a list"},
		{"mapping for scalar", "fetch: {timeout: {a: 1}}\nfeeds: [{name: a, url: 'https://x.org'}]\n", ":1:18: fetch.timeout: expected a single value, got a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, tt.name+".yaml", tt.content)
			errs := loadErrors(t, path, env(nil))
			if !strings.HasPrefix(errs.Error(), path+tt.want) {
				t.Errorf("got %q, want prefix %q", errs.Error(), path+tt.want)
			}
		})
	}
}

func TestParseScheduleTZ(t *testing.T) {
	tests := []struct {
		spec    string
		wantErr string // "" = valid
	}{
		// Forms that panic inside robfig/cron v3.0.1.
		{"TZ=", "empty time zone"},
		{"CRON_TZ=", "empty time zone"},
		{"TZ=0", `unknown time zone "0"`},
		{"TZ=UTC", `missing schedule after time zone "UTC"`},
		{"CRON_TZ=Europe/Berlin", "missing schedule"},
		// Forms robfig accepts or misreads.
		{"TZ= * * * * *", "empty time zone"},
		{"TZ=0 * * * * *", `unknown time zone "0"`},
		{"TZ=Nowhere/Land 0 7 * * *", `unknown time zone "Nowhere/Land"`},
		{"TZ=../../etc/passwd 0 7 * * *", "unknown time zone"},
		{"TZ=UTC\t0 7 * * *", ""},
		{"TZ=UTC   0 7 * * *", ""},
		{"CRON_TZ=Europe/Berlin 0 7 * * *", ""},
		{"TZ=America/New_York @daily", ""},
		{"TZ=UTC @every 1d", ""},
		{"*/15 * * * *", ""},
		{"@hourly", ""},
		{"@every 1d12h", ""},
		{"@every 0s", "at least 1s"},
		{"@every -5m", "sign"},
		{"@every", "empty"},
		{"@fortnightly", "unrecognized descriptor"},
		{"0 0 30 2 *", "never fires"},
		{"* * * *", "expected exactly 5 fields"},
		{"0 0 * * * *", "expected exactly 5 fields"},
		{"", "empty schedule"},
		{"   ", "empty schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := ParseSchedule(tt.spec)
			if tt.wantErr == "" {
				if err != nil || s == nil {
					t.Fatalf("ParseSchedule(%q) = %v, %v; want a schedule", tt.spec, s, err)
				}
				if s.Next(time.Now()).IsZero() {
					t.Errorf("schedule never fires")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseSchedule(%q) error = %v, want %q", tt.spec, err, tt.wantErr)
			}
		})
	}
}

// TestParseScheduleUpstreamPanics documents why ParseSchedule exists: the
// raw parser panics on these inputs.
func TestParseScheduleUpstreamPanics(t *testing.T) {
	for _, spec := range []string{"TZ=", "TZ=0", "CRON_TZ=UTC"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Logf("robfig/cron no longer panics on %q", spec)
				}
			}()
			_, _ = cron.ParseStandard(spec)
		}()
		if _, err := ParseSchedule(spec); err == nil {
			t.Errorf("ParseSchedule(%q) accepted", spec)
		}
	}
}

func TestScheduleTimeZone(t *testing.T) {
	s, err := ParseSchedule("CRON_TZ=America/New_York 0 7 * * *")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	if got, want := s.Next(from).UTC(), time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Next = %v, want %v", got, want)
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"TZ=", "TZ=0", "CRON_TZ=UTC * * * * *", "@every 1h", "*/0 * * * *", "1-0 * * * *", "TZ=UTC\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		_, _ = ParseSchedule(spec) // must not panic
	})
}

func TestEnvExpansion(t *testing.T) {
	base := "feeds:\n  - {name: a, url: https://example.org/a}\n"
	tests := []struct {
		name, content string
		env           map[string]string
		check         func(*Config) string // got value
		want          string
	}{
		{"plain", "fetch: {user_agent: '${UA}'}\n", map[string]string{"UA": "ua/1"}, func(c *Config) string { return c.Fetch.UserAgent }, "ua/1"},
		{"embedded", "fetch: {user_agent: 'x ${UA} y'}\n", map[string]string{"UA": "ua"}, func(c *Config) string { return c.Fetch.UserAgent }, "x ua y"},
		{"default used", "fetch: {user_agent: '${UA:-fallback}'}\n", nil, func(c *Config) string { return c.Fetch.UserAgent }, "fallback"},
		{"default unused", "fetch: {user_agent: '${UA:-fallback}'}\n", map[string]string{"UA": "set"}, func(c *Config) string { return c.Fetch.UserAgent }, "set"},
		{"escaped", "fetch: {user_agent: 'a$${UA}b'}\n", map[string]string{"UA": "no"}, func(c *Config) string { return c.Fetch.UserAgent }, "a${UA}b"},
		{"lone dollar kept", "fetch: {user_agent: 'pa$$word $x'}\n", nil, func(c *Config) string { return c.Fetch.UserAgent }, "pa$$word $x"},
		{"non-string", "fetch: {workers: '${W}', timeout: '${T}'}\n", map[string]string{"W": "7", "T": "1d"}, func(c *Config) string { return fmt.Sprint(c.Fetch.Workers, c.Fetch.Timeout) }, "7 24h0m0s"},
		{"list element", "include: ['${INC:-none.d}/*.yaml']\n", nil, func(c *Config) string { return c.Include[0] }, "none.d/*.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "c.yaml", tt.content+base)
			c, err := Load(path, env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.check(c); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEnvErrors(t *testing.T) {
	content := `feeds:
  - name: a
    url: "${FEED_URL}"
notify:
  email: {host: smtp.example.org, username: u, password: "${SMTP_PASSWORD}", from: a@example.org}
  webhooks:
    w: {url: "https://example.org/${TOKEN", secret: "${bad-name}"}
`
	path := writeFile(t, t.TempDir(), "c.yaml", content)
	errs := loadErrors(t, path, env(nil))
	want := []string{
		path + ":3:10: feeds.0.url: environment variable FEED_URL is not set",
		path + ":5:58: notify.email.password: environment variable SMTP_PASSWORD is not set",
		path + ":7:14: notify.webhooks.w.url: unterminated ${",
		path + ":7:53: notify.webhooks.w.secret: invalid variable reference ${bad-name}",
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i := range want {
		if got := errs[i].Error(); !strings.HasPrefix(got, want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, got, want[i])
		}
	}
}

// TestSecretsNotInErrors feeds secret values that are themselves invalid
// into every kind of check; the messages must quote the config text only.
func TestSecretsNotInErrors(t *testing.T) {
	const leak = "S3CR3T"
	content := `storage: {retention: "${S_DUR}"}
fetch: {max_body: "${S_SIZE}", workers: "${S_INT}", allow_private: "${S_BOOL}", user_agent: "${S_OK}"}
status: {listen: "${S_LISTEN}"}
log: {level: "${S_LEVEL}"}
feeds:
  - {name: "${S_NAME}", url: "${S_URL}", schedule: "${S_SCHED}"}
  - {name: "${S_NAME}", url: "https://example.org/${S_OK}"}
topics:
  - {name: t, query: q, feeds: ["${S_FEED}"]}
digests:
  - {name: d, schedule: "@daily", to: ["${S_TO}", "email:${S_ADDR}"], topics: ["${S_TOPIC}"]}
notify:
  email: {host: "${S_HOST}", tls: none, username: u, password: "${S_OK}", from: "${S_ADDR}"}
  webhooks:
    w: {url: "${S_URL}", format: "${S_FORMAT}", secret: "${S_OK}"}
`
	vals := map[string]string{
		"S_DUR": leak + "x", "S_SIZE": leak, "S_INT": leak, "S_BOOL": leak, "S_OK": leak,
		"S_LISTEN": leak, "S_LEVEL": leak, "S_NAME": leak, "S_URL": "ftp://" + leak,
		"S_SCHED": leak + " * * * *", "S_FEED": leak, "S_TO": leak + ":x", "S_ADDR": leak + " bad",
		"S_TOPIC": leak, "S_HOST": leak + ".example.org", "S_FORMAT": leak,
	}
	path := writeFile(t, t.TempDir(), "c.yaml", content)
	errs := loadErrors(t, path, env(vals))
	if len(errs) < 15 {
		t.Errorf("only %d errors:\n%v", len(errs), errs)
	}
	if strings.Contains(errs.Error(), leak) {
		t.Errorf("secret value leaked into errors:\n%v", errs)
	}
	for _, e := range errs {
		if e.Line == 0 {
			t.Errorf("error without a line: %v", &e)
		}
	}
}

func TestSecretFormatting(t *testing.T) {
	c := Default()
	c.Notify.Email = &Email{Password: "hunter2"}
	c.Notify.Webhooks = map[string]Webhook{"w": {Secret: "hunter2"}}
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprintf("%v %+v %s %q %x %#v", c.Notify.Email, *c.Notify.Email, c.Notify.Email.Password, c.Notify.Email.Password, c.Notify.Email.Password, c.Notify.Email),
		fmt.Sprintf("%+v %#v", c.Notify.Webhooks, c.Notify.Webhooks),
		string(js),
	} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("secret printed: %s", s)
		}
		if !strings.Contains(s, "***") {
			t.Errorf("no redaction marker in %s", s)
		}
	}
	if got := c.Notify.Email.Password.Value(); got != "hunter2" {
		t.Errorf("Value() = %q", got)
	}
	if got := Secret("").String(); got != "" {
		t.Errorf("empty secret prints %q", got)
	}
}

func TestInclude(t *testing.T) {
	dir := t.TempDir()
	main := writeFile(t, dir, "storyline.yaml", `include: ["feeds.d/*.yaml", "extra.yaml", "none.d/*.yaml", "storyline.yaml"]
feeds:
  - {name: main, url: https://example.org/main}
topics:
  - {name: t, query: q, feeds: [opml-b]}
`)
	writeFile(t, dir, "feeds.d/a.yaml", "feeds:\n  - {name: opml-a, url: https://example.org/a}\n")
	writeFile(t, dir, "feeds.d/b.yaml", "feeds:\n  - {name: opml-b, url: '${B_URL}'}\n")
	writeFile(t, dir, "feeds.d/empty.yaml", "")
	writeFile(t, dir, "extra.yaml", "feeds: []\n")
	c, err := Load(main, env(map[string]string{"B_URL": "https://example.org/b"}))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range c.Feeds {
		names = append(names, f.Name+" "+f.URL)
	}
	want := []string{"main https://example.org/main", "opml-a https://example.org/a", "opml-b https://example.org/b"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("feeds (-want +got):\n%s", diff)
	}

	t.Run("errors name the included file", func(t *testing.T) {
		dir := t.TempDir()
		main := writeFile(t, dir, "c.yaml", `feeds:
  - {name: dup, url: https://example.org/x}
include:
  - inc/*.yaml
  - missing.yaml
  - "[bad"
`)
		inc := writeFile(t, dir, "inc/one.yaml", `feeds:
  - name: fine
    url: https://example.org/fine
  - name: dup
    url: ftp://example.org/y
storage: {path: x}
`)
		errs := loadErrors(t, main, env(nil))
		want := []string{
			main + `:5:5: include: file "missing.yaml" not found`,
			main + `:6:5: include: bad glob pattern "[bad"`,
			inc + `:4:11: duplicate feed name "dup" (first defined at ` + main + `:2)`,
			inc + `:5:10: feed "dup": url must be an absolute http or https URL`,
			inc + `:6:1: unknown key "storage" in top level`,
		}
		if len(errs) != len(want) {
			t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
		}
		for i := range want {
			if got := errs[i].Error(); !strings.HasPrefix(got, want[i]) {
				t.Errorf("error %d = %q\nwant prefix %q", i, got, want[i])
			}
		}
	})
}

func TestCheckPermissions(t *testing.T) {
	withSecret := "feeds: [{name: a, url: 'https://example.org/a'}]\nnotify:\n  webhooks:\n    w: {url: 'https://example.org/w', secret: 'hunter2'}\n"
	withRef := "feeds: [{name: a, url: 'https://example.org/a'}]\nnotify:\n  webhooks:\n    w: {url: 'https://example.org/w', secret: '${S}'}\n" +
		"  email: {host: smtp.example.org, from: a@example.org, username: bot, password: \"${S}\"}\n"
	noSecret := "feeds: [{name: a, url: 'https://example.org/a'}]\n"
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    bool
	}{
		{"secret, 0600", withSecret, 0o600, false},
		{"secret, 0640", withSecret, 0o640, true},
		{"secret, 0604", withSecret, 0o604, true},
		{"${VAR} references only, 0644", withRef, 0o644, false},
		{"no secret, 0644", noSecret, 0o644, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "c.yaml", tt.content)
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, env(map[string]string{"S": "hunter2"}))
			if err != nil {
				t.Fatal(err)
			}
			w := CheckPermissions(path, c)
			if got := len(w) > 0; got != tt.want {
				t.Fatalf("warnings = %q, want warning: %v", w, tt.want)
			}
			if strings.Contains(strings.Join(w, ""), "hunter2") {
				t.Errorf("warning leaks the secret: %q", w)
			}
		})
	}
}

func TestExampleConfig(t *testing.T) {
	c, err := Load("../config.example.yaml", env(map[string]string{"SMTP_PASSWORD": "pw", "HOOK_SECRET": "hs"}))
	if err != nil {
		t.Fatalf("config.example.yaml does not load:\n%v", err)
	}
	if len(c.Feeds) == 0 || len(c.Digests) == 0 || c.Notify.Email == nil || len(c.Notify.Webhooks) == 0 {
		t.Errorf("example is missing sections: %+v", c)
	}
	for _, d := range c.Digests {
		if _, err := ParseSchedule(d.Schedule); err != nil {
			t.Errorf("digest %s: %v", d.Name, err)
		}
	}
	// The example documents every key of the schema.
	data, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range allKeys(reflect.TypeFor[Config]()) {
		if !strings.Contains(string(data), key+":") {
			t.Errorf("config.example.yaml does not show key %q", key)
		}
	}
}

// allKeys lists every YAML key reachable from t.
func allKeys(t reflect.Type) []string {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return allKeys(t.Elem())
	case reflect.Struct:
		if t == durationType {
			return nil
		}
		var keys []string
		for i := range t.NumField() {
			keys = append(keys, tagName(t.Field(i)))
			keys = append(keys, allKeys(t.Field(i).Type)...)
		}
		return keys
	}
	return nil
}

func TestAnchorsAndMerge(t *testing.T) {
	path := writeFile(t, t.TempDir(), "c.yaml", `x-defaults: &d {schedule: "@hourly", timeout: 5s}
feeds:
  - {<<: *d, name: a, url: https://example.org/a}
  - {<<: *d, name: b, url: https://example.org/b, timeout: 7s}
`)
	errs := loadErrors(t, path, env(nil))
	// Top-level extension keys are not part of the schema.
	if len(errs) != 1 || !strings.Contains(errs[0].Message, `unknown key "x-defaults"`) {
		t.Fatalf("errs = %v", errs)
	}
	path = writeFile(t, t.TempDir(), "c.yaml", `feeds:
  - &a {name: a, url: https://example.org/a, schedule: "@hourly", timeout: 5s}
  - {<<: *a, name: b, timeout: 7s}
`)
	c, err := Load(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []Feed{
		{Name: "a", URL: "https://example.org/a", Schedule: "@hourly", Timeout: 5 * time.Second, UserAgent: DefaultUserAgent},
		{Name: "b", URL: "https://example.org/a", Schedule: "@hourly", Timeout: 7 * time.Second, UserAgent: DefaultUserAgent},
	}
	if diff := cmp.Diff(want, c.Feeds); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValidateInCode(t *testing.T) {
	c := Default()
	c.Feeds = []Feed{{Name: "demo", URL: "http://127.0.0.1:8080/feed.xml"}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.Fetch.AllowPrivate = false
	c.Digests = []Digest{{Name: "d", Schedule: "TZ=", To: []string{"email:x@example.org"}, MaxStories: 1}}
	err := c.Validate()
	want := "feeds.0.url: feed \"demo\": url points to a loopback or private address but fetch.allow_private is false\n" +
		"digests.0.schedule: digest \"d\": invalid schedule \"TZ=\": empty time zone after TZ=\n" +
		"digests.0.to.0: digest \"d\": \"email:x@example.org\" needs notify.email to be configured"
	if err == nil || err.Error() != want {
		t.Errorf("Validate() =\n%v\nwant\n%s", err, want)
	}
}

func TestEmailDefaults(t *testing.T) {
	tests := []struct {
		email    string
		wantPort int
		wantErr  string
	}{
		{"{host: smtp.example.org, from: a@example.org}", 587, ""},
		{"{host: smtp.example.org, tls: implicit, from: a@example.org}", 465, ""},
		{"{host: 127.0.0.1, tls: none, from: a@example.org}", 25, ""},
		{"{host: '::1', tls: none, port: 2525, from: a@example.org}", 2525, ""},
		{"{host: localhost, tls: none, from: a@example.org}", 25, ""},
		{"{host: 10.0.0.1, tls: none, from: a@example.org}", 0, "tls: none is only allowed for a loopback host"},
		{"{host: smtp.example.org, tls: ssl, from: a@example.org}", 0, "must be starttls, implicit or none"},
		{"{from: a@example.org}", 0, "notify.email.host is required"},
		{"{host: smtp.example.org}", 0, "notify.email.from is required"},
		{"{host: smtp.example.org, port: 70000, from: a@example.org}", 0, "port must be between 1 and 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "c.yaml", "feeds: [{name: a, url: 'https://example.org/a'}]\nnotify:\n  email: "+tt.email+"\n")
			c, err := Load(path, env(nil))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), path+":3:") {
					t.Errorf("error not at line 3: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Notify.Email.Port != tt.wantPort {
				t.Errorf("port = %d, want %d", c.Notify.Email.Port, tt.wantPort)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"0", 0, false},
		{"20s", 20 * time.Second, false},
		{"1h30m", 90 * time.Minute, false},
		{"180d", 180 * day, false},
		{"1d12h", 36 * time.Hour, false},
		{"2w", 14 * day, false},
		{"1.5d", 36 * time.Hour, false},
		{"500ms", 500 * time.Millisecond, false},
		{" 5m ", 5 * time.Minute, false},
		{"", 0, true},
		{"10", 0, true},
		{"-1h", 0, true},
		{"1y", 0, true},
		{"d", 0, true},
		{"1h 30m", 0, true},
		{"99999999999w", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	for _, d := range []time.Duration{0, time.Second, 90 * time.Minute, 36 * time.Hour, 180 * day, 2 * week} {
		if got, err := ParseDuration(FormatDuration(d)); err != nil || got != d {
			t.Errorf("round trip %v via %q = %v, %v", d, FormatDuration(d), got, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"1048576", 1 << 20, false},
		{"15MiB", 15 << 20, false},
		{"512KiB", 512 << 10, false},
		{"512 kib", 512 << 10, false},
		{"10MB", 10_000_000, false},
		{"1.5GiB", 3 << 29, false},
		{"2k", 2048, false},
		{"0", 0, false},
		{"100B", 100, false},
		{"", 0, true},
		{"MiB", 0, true},
		{"15 parsecs", 0, true},
		{"-1", 0, true},
		{"99999999999TiB", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(fullConfig)
	f.Add(brokenConfig)
	f.Add("feeds: [{<<: [*a, {}]}]\n")
	f.Add("a: &a {x: 1}\nfeeds: [{<<: *a, name: '${X:-y}'}]\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(dir, "fuzz.yaml")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path, env(map[string]string{"SMTP_PASSWORD": "pw", "HOOK_SECRET": "hs"}))
		if (c == nil) == (err == nil) {
			t.Fatalf("Load returned config %v and error %v", c, err)
		}
	})
}

func TestAlertAfter(t *testing.T) {
	const feeds = "feeds:\n  - {name: a, url: https://example.org/a}\n"
	tests := []struct {
		yaml    string
		want    time.Duration
		wantErr string
	}{
		{"", day, ""},
		{"fetch: {alert_after: 6h}\n", 6 * time.Hour, ""},
		{"fetch: {alert_after: 0}\n", 0, ""},
		{"fetch: {alert_after: -1h}\n", 0, `fetch.alert_after: invalid duration "-1h": must not have a sign`},
	}
	for _, tt := range tests {
		path := writeFile(t, t.TempDir(), "c.yaml", tt.yaml+feeds)
		c, err := Load(path, env(nil))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.yaml, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.yaml, err)
			continue
		}
		if c.Fetch.AlertAfter != tt.want {
			t.Errorf("%q: alert_after = %v, want %v", tt.yaml, c.Fetch.AlertAfter, tt.want)
		}
	}
	// A config built in code is validated too.
	c := Default()
	c.Feeds = []Feed{{Name: "a", URL: "https://example.org/a"}}
	c.Fetch.AlertAfter = -time.Hour
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "fetch.alert_after must not be negative") {
		t.Errorf("Validate with a negative alert_after: %v", err)
	}
}

// The follow-up settings are numbers between 0 and 1; an error names the
// file, the line and the setting.
func TestFollowupSettings(t *testing.T) {
	tests := []struct {
		yaml string
		want string // "" for valid
	}{
		{"followup: {threshold: 0.35, merge: 0.4}\n", ""},
		{"followup: {threshold: 1.5}\n", "followup.threshold must be between 0 and 1, got 1.5"},
		{"followup: {merge: -0.1}\n", "followup.merge must be between 0 and 1, got -0.1"},
		{"followup: {threshold: high}\n", `followup.threshold: expected a number, got "high"`},
	}
	for _, tc := range tests {
		t.Run(tc.yaml, func(t *testing.T) {
			body := "storage: {path: /tmp/x.db}\nfeeds:\n  - {name: a, url: \"https://example.org/a\"}\n" + tc.yaml
			path := writeFile(t, t.TempDir(), "c.yaml", body)
			if tc.want == "" {
				cfg, err := Load(path, env(nil))
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Followup.Threshold != 0.35 || cfg.Followup.Merge != 0.4 {
					t.Errorf("got %+v", cfg.Followup)
				}
				return
			}
			errs := loadErrors(t, path, env(nil))
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tc.want) || !strings.Contains(errs[0].Error(), "c.yaml:4") {
				t.Errorf("errors %v, want one at c.yaml:4 saying %q", errs, tc.want)
			}
		})
	}
}

// TestLinkLocalFeeds: link-local and metadata addresses are refused even
// with the default allow_private: true, unless allow_link_local says so.
func TestLinkLocalFeeds(t *testing.T) {
	for _, url := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/feed", "http://metadata.google.internal/computeMetadata/v1/"} {
		c := Default()
		c.Feeds = []Feed{{Name: "meta", URL: url}}
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "fetch.allow_link_local") {
			t.Errorf("%s: %v, want a refusal naming fetch.allow_link_local", url, err)
		}
		c.Fetch.AllowLinkLocal = true
		if err := c.Validate(); err != nil {
			t.Errorf("%s with allow_link_local: %v", url, err)
		}
	}
}

// TestProblemsCapped: a config with hundreds of mistakes reports the first
// fifty, in file order, and how many more there are.
func TestProblemsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("feeds:\n")
	for i := range 200 {
		fmt.Fprintf(&b, "  - {name: f%d, url: \"not a url\"}\n", i)
	}
	path := writeFile(t, t.TempDir(), "storyline.yaml", b.String())
	_, err := Load(path, env(nil))
	var es Errors
	if !errors.As(err, &es) || len(es) != maxProblems+1 {
		t.Fatalf("got %d problems, want %d and a count: %v", len(es), maxProblems, err)
	}
	if es[0].Line != 2 || !strings.Contains(es[maxProblems].Message, "and 150 more problems") {
		t.Errorf("first %v, last %v", es[0], es[maxProblems])
	}
}

// TestDocumentTooLarge: a document past the node limit is one problem,
// not one per node cut off.
func TestDocumentTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("parses a million-node document")
	}
	var b strings.Builder
	b.WriteString("feeds:\n")
	for i := range maxNodes/2 + 10 { // each a mapping and two values
		fmt.Fprintf(&b, "  - {name: f%d, url: \"https://f.example/%d\"}\n", i, i)
	}
	path := writeFile(t, t.TempDir(), "storyline.yaml", b.String())
	_, err := Load(path, env(nil))
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || !strings.Contains(es[0].Message, "document too large") {
		t.Errorf("%d problems, want the one: %.300v", len(es), err)
	}
}

// TestStatusTokenBeyondLoopback: a status listener beyond loopback needs a
// token.
func TestStatusTokenBeyondLoopback(t *testing.T) {
	c := Default()
	c.Status.Listen = "0.0.0.0:9464"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "set status.token") {
		t.Errorf("no token: %v", err)
	}
	c.Status.Token = "a-long-random-string"
	if err := c.Validate(); err != nil {
		t.Errorf("with a token: %v", err)
	}
	c.Status.Listen, c.Status.Token = "127.0.0.1:9464", ""
	if err := c.Validate(); err != nil {
		t.Errorf("loopback: %v", err)
	}
}
