// Package email delivers digests by SMTP (github.com/wneessen/go-mail):
// STARTTLS or implicit TLS with authentication, or plain SMTP to a loopback
// relay; multipart text and HTML; the digest's deterministic Message-ID and
// In-Reply-To/References headers so that mail clients thread a digest
// reporting an event's outcome under the digest that announced it.
package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"

	"net/netip"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/storyline/storyline/notify"
)

// TLS modes.
const (
	TLSStartTLS = "starttls"
	TLSImplicit = "implicit"
	TLSNone     = "none" // loopback relays only
)

// Config is the SMTP relay.
type Config struct {
	Host     string
	Port     int
	TLS      string // starttls (default) | implicit | none
	Username string // no authentication when empty
	Password string
	From     string
	// TLSConfig overrides the TLS settings (tests trust their own CA with
	// it); ServerName defaults to Host.
	TLSConfig *tls.Config
	Timeout   time.Duration // per connection; 30s when zero
}

// Sender sends digests through one relay. It implements notify.Sender for
// the "email" recipient kind.
type Sender struct {
	cfg Config
}

// New checks cfg and returns a Sender.
func New(cfg Config) (*Sender, error) {
	if cfg.Host == "" || cfg.From == "" {
		return nil, errors.New("email: host and from are required")
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !loopback(cfg.Host) {
			return nil, fmt.Errorf("email: tls none is only allowed for a loopback relay, not %q", cfg.Host)
		}
	default:
		return nil, fmt.Errorf("email: unknown tls mode %q", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[cfg.TLS]
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if err := mail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("email: from %q: %w", cfg.From, err)
	}
	return &Sender{cfg: cfg}, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// Domain is the domain of the From address: the right-hand side of the
// digests' Message-IDs.
func Domain(from string) string {
	if i := strings.LastIndexByte(from, '@'); i >= 0 {
		return strings.TrimRight(from[i+1:], ">")
	}
	return ""
}

// Message builds the email carrying m's digest to m.Target. Every header
// comes from the recorded digest, so a retry sends the same message.
func (s *Sender) Message(m notify.Message) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(s.cfg.From); err != nil {
		return nil, err
	}
	if err := msg.To(m.Target); err != nil {
		return nil, notify.Permanent(fmt.Errorf("email: recipient %q: %w", m.Target, err))
	}
	d := m.Digest
	msg.Subject(d.Subject)
	msg.SetMessageIDWithValue(d.MessageID)
	msg.SetDateWithValue(d.Created)
	if d.InReplyTo != "" {
		msg.SetGenHeader(mail.HeaderInReplyTo, "<"+d.InReplyTo+">")
	}
	if len(d.References) > 0 {
		refs := make([]string, len(d.References))
		for i, r := range d.References {
			refs[i] = "<" + r + ">"
		}
		msg.SetGenHeader(mail.HeaderReferences, strings.Join(refs, " "))
	}
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader("X-Storyline-Digest", d.Key)
	msg.SetBulk()
	msg.SetBodyString(mail.TypeTextPlain, d.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, d.HTML)
	return msg, nil
}

// Send delivers m. A refusal the server calls permanent (5xx) is final;
// anything else, from a refused connection to a 4xx, is retried.
func (s *Sender) Send(ctx context.Context, m notify.Message) error {
	msg, err := s.Message(m)
	if err != nil {
		return err
	}
	c, err := s.client()
	if err != nil {
		return notify.Permanent(err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
			return notify.Permanent(fmt.Errorf("email to %s: %w", m.Target, err))
		}
		return fmt.Errorf("email to %s: %w", m.Target, err)
	}
	return nil
}

func (s *Sender) client() (*mail.Client, error) {
	tc := &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		tc = s.cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = s.cfg.Host
		}
	}
	opts := []mail.Option{
		mail.WithPort(s.cfg.Port),
		mail.WithTimeout(s.cfg.Timeout),
		mail.WithTLSConfig(tc),
	}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, mail.WithSSL())
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		auth := mail.SMTPAuthPlain
		if s.cfg.TLS == TLSNone {
			auth = mail.SMTPAuthPlainNoEnc // loopback only, checked by New
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	return c, nil
}
