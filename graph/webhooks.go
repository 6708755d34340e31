package graph

import (
	"github.com/example/staffcrm/internal/postings"
	"github.com/example/staffcrm/internal/webhooks"
)

func (r *Resolver) webhooks() *webhooks.Service {
	return &webhooks.Service{Client: r.Client, Targets: r.WebhookTargets}
}

func (r *Resolver) postings() *postings.Service { return &postings.Service{Client: r.Client} }
