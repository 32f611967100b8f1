package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/storyline/storyline/notify"
)

// Message size limits of the chat services (characters for Slack and
// Discord, bytes for ntfy), with room for the "and N more" line.
const (
	slackLimit   = 3900 // Slack shows ~4000 characters of a message's text before cutting
	discordLimit = 2000 // Discord refuses content longer than 2000
	ntfyLimit    = 4000 // ntfy turns bodies over 4096 bytes into attachments
)

// Body renders m for format: the JSON payload as recorded, or a preset's
// body, with the headers that go with it.
func Body(format string, m notify.Message) ([]byte, http.Header, error) {
	h := http.Header{}
	if format == "" || format == FormatJSON {
		h.Set("Content-Type", "application/json")
		return m.Digest.Payload, h, nil
	}
	p, err := notify.ParsePayload(m.Digest.Payload)
	if err != nil {
		return nil, nil, err
	}
	switch format {
	case FormatSlack:
		h.Set("Content-Type", "application/json")
		b, err := marshal(map[string]any{"text": chatText(slack{}, p, slackLimit, utf8.RuneCountInString)})
		return b, h, err
	case FormatDiscord:
		h.Set("Content-Type", "application/json")
		b, err := marshal(map[string]any{
			"content":          chatText(discord{}, p, discordLimit, utf8.RuneCountInString),
			"allowed_mentions": map[string]any{"parse": []string{}}, // never ping @everyone from a headline
		})
		return b, h, err
	case FormatNtfy:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Title", mime.QEncoding.Encode("utf-8", p.Subject))
		h.Set("Tags", "newspaper")
		h.Set("Markdown", "yes")
		return []byte(chatText(markdown{}, p, ntfyLimit, func(s string) int { return len(s) })), h, nil
	}
	return nil, nil, fmt.Errorf("unknown webhook format %q", format)
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

// markup is a chat service's flavour of formatting.
type markup interface {
	escape(s string) string
	bold(s string) string
	link(title, url string) string
}

// slack is Slack's mrkdwn: only &, < and > need escaping.
type slack struct{}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (slack) escape(s string) string { return slackEscaper.Replace(s) }
func (slack) bold(s string) string   { return "*" + s + "*" }
func (slack) link(title, u string) string {
	return "<" + strings.NewReplacer("|", "%7C", ">", "%3E").Replace(u) + "|" + slackEscaper.Replace(title) + ">"
}

// markdown is the Markdown ntfy renders.
type markdown struct{}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "~", `\~`, "|", `\|`)

func (markdown) escape(s string) string { return mdEscaper.Replace(s) }
func (markdown) bold(s string) string   { return "**" + s + "**" }
func (markdown) link(title, u string) string {
	return "[" + mdEscaper.Replace(title) + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u) + ")"
}

// discord is Discord's Markdown; <url> in a link suppresses the preview
// embed that would otherwise follow every link.
type discord struct{ markdown }

func (discord) link(title, u string) string {
	return "[" + mdEscaper.Replace(title) + "](<" + strings.NewReplacer(">", "%3E", " ", "%20").Replace(u) + ">)"
}

// chatText renders p as a chat message of at most limit (as measured by
// size), ending with how much was left out when it had to stop.
func chatText(mk markup, p *notify.Payload, limit int, size func(string) int) string {
	type block struct {
		head  string
		items []string
	}
	var blocks []block
	for _, sec := range p.Sections {
		b := block{head: mk.bold(mk.escape(sec.Title))}
		for _, s := range sec.Stories {
			line := "• " + mk.link(s.Title, s.URL) + " (" + mk.escape(s.Feed)
			if len(s.Also) > 0 {
				line += fmt.Sprintf(", +%d more", len(s.Also))
			}
			b.items = append(b.items, line+")")
		}
		blocks = append(blocks, b)
	}
	if len(p.FollowUps) > 0 {
		b := block{head: mk.bold("Follow-ups")}
		for _, f := range p.FollowUps {
			b.items = append(b.items, "• "+mk.escape(f.Event.Summary)+": "+mk.escape(f.Relation)+", "+
				mk.link(f.Outcome.Title, f.Outcome.URL)+" (announced: "+mk.link(f.Anticipation.Title, f.Anticipation.URL)+")")
		}
		blocks = append(blocks, b)
	}
	for _, ev := range []struct {
		head   string
		events []notify.Event
	}{{"Upcoming", p.Upcoming}, {"Overdue", p.Overdue}} {
		if len(ev.events) == 0 {
			continue
		}
		b := block{head: mk.bold(ev.head)}
		for _, e := range ev.events {
			b.items = append(b.items, "• "+day(e.Event.Expected)+": "+mk.escape(e.Event.Summary)+" ("+
				mk.link(e.Anticipation.Title, e.Anticipation.URL)+")")
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 {
		blocks = append(blocks, block{head: "Nothing new."})
	}
	if len(p.FeedHealth) > 0 {
		b := block{head: mk.bold("Feed health")}
		for _, n := range p.FeedHealth {
			b.items = append(b.items, "• "+mk.bold(mk.escape(n.Feed))+": "+mk.escape(n.Reason))
		}
		blocks = append(blocks, b)
	}

	var out strings.Builder
	out.WriteString(mk.bold(mk.escape(p.Subject)))
	left := p.Omitted
	for _, b := range blocks {
		left += len(b.items)
	}
	more := func(n int) string { return fmt.Sprintf("\n\n…and %d more in the full digest.", n) }
	emit := func(s string) bool {
		if size(out.String())+size(s)+size(more(left)) > limit {
			return false
		}
		out.WriteString(s)
		return true
	}
	full := true
	for _, b := range blocks {
		if !emit("\n\n" + b.head) {
			full = false
			break
		}
		for _, it := range b.items {
			if !emit("\n" + it) {
				full = false
				break
			}
			left--
		}
		if !full {
			break
		}
	}
	if left > 0 {
		out.WriteString(more(left))
	}
	return out.String()
}

func day(d *string) string {
	if d == nil {
		return "date unknown"
	}
	if t, err := time.Parse(time.DateOnly, *d); err == nil {
		return t.Format("Mon 2 Jan")
	}
	return *d
}
