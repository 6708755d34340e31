// Package graph is the GraphQL layer: the schema (graph/api/*.graphql extending the generated
// graph/ent.graphql) and thin resolvers that parse, call internal/* or ent, and map errors.
package graph

import (
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/internal/bulk"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/portal"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/session"
	"github.com/example/staffcrm/internal/threads"
	"github.com/example/staffcrm/internal/webhooks"
)

// Resolver holds the dependencies of the resolvers.
type Resolver struct {
	Client   *ent.Client
	Sessions *session.Service
	Router   *routing.Router
	Bus      notify.Subscriber
	Pipeline *pipeline.Service
	Limits   *RateLimits // nil: no abuse limits (tests)
	// Threads tells the other side of an inquiry thread about a new message (routing.BusEvents; nil:
	// nobody is told).
	Threads threads.Notifier
	Mailer  mail.Mailer // nil: mail.Log, which logs no links
	// PublicURL is the server's public address, where e-mailed one-time links point ("" =
	// mail.DefaultPublicURL).
	PublicURL string
	// WebhookTargets decides where webhook endpoints may point (production: public https only).
	WebhookTargets webhooks.Targets
	// PolicyVersion is the current version of the consent texts registrants accept at sign-up.
	PolicyVersion string
	// Bulk runs CSV imports in the background (nil: one made on first use from Client and Bus; a
	// test that waits for imports sets its own and calls Wait).
	Bulk *bulk.Service

	bulkOnce sync.Once
}

func (r *Resolver) portal() portal.Loader { return portal.Loader{Client: r.Client} }

// NewSchema builds the executable schema.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: r})
}
