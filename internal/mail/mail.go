// Package mail sends the agency's e-mails (staff invitations, sign-up verification, password
// resets) through a Mailer. A message's Link carries a one-time secret: only a real delivery
// may contain it, and no log line in production ever does.
package mail

import (
	"context"
	"log/slog"
	"net/url"
	"strings"

	"github.com/example/staffcrm/internal/config"
)

// Message is one e-mail. Link is the one-time link (a secret); Body is the text around it.
type Message struct {
	To      string
	Subject string
	Body    string
	Link    string
	// Purpose names the kind of mail for logs and metrics (e.g. "staff_invite").
	Purpose string
}

// Mailer delivers messages.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// Log is the Mailer of a server without SMTP settings. In development it logs the whole message,
// link included, so the link can be followed from the log; otherwise it logs only that a message of
// its purpose was due for a masked recipient — never the link or any token.
type Log struct {
	Logger      *slog.Logger
	Development bool
}

// Send logs m (see Log).
func (l Log) Send(ctx context.Context, m Message) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	if l.Development {
		log.InfoContext(ctx, "mail (development: not sent)", "purpose", m.Purpose, "to", m.To, "subject", m.Subject, "link", m.Link)
		return nil
	}
	log.WarnContext(ctx, "mail not sent: no mail transport configured", "purpose", m.Purpose, "to", MaskAddress(m.To))
	return nil
}

// Link is the one-time link to path under the server's public address (config.Defaults' when
// publicURL is empty), carrying the token.
func Link(publicURL, path, token string) string {
	base := strings.TrimRight(publicURL, "/")
	if base == "" {
		base = config.Defaults.PublicURL
	}
	return base + path + "?token=" + url.QueryEscape(token)
}

// MaskAddress keeps an address's first letter and domain ("a***@example.jp").
func MaskAddress(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "***"
	}
	return local[:1] + "***@" + domain
}

// Recorder keeps the messages it is given (tests).
type Recorder struct {
	Sent []Message
	Err  error // returned by Send when set, after nothing is recorded
}

// Send records m.
func (r *Recorder) Send(_ context.Context, m Message) error {
	if r.Err != nil {
		return r.Err
	}
	r.Sent = append(r.Sent, m)
	return nil
}
