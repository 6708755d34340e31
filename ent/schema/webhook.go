package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/example/staffcrm/ent/privacy"
)

// WebhookEndpoint is an agency's registered receiver of outbound webhooks (internal/webhooks): the
// URL, the signing secret (never readable through the API) and the event types it wants. The worker
// disables it after a delivery exhausted its retries; an admin re-enables it.
type WebhookEndpoint struct{ ent.Schema }

func (WebhookEndpoint) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty().MaxLen(2000),
		field.String("description").Default("").MaxLen(200),
		field.String("secret").Sensitive().NotEmpty().Comment("HMAC-SHA256 key, whsec_ + base64"),
		field.Strings("event_types").Default([]string{}),
		field.Bool("enabled").Default(true),
		field.Time("disabled_at").Optional().Nillable(),
		field.String("disabled_reason").Default(""),
	}
}

func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// WebhookEvent is an outbox row: written in the transaction of the change it reports, so a crash
// can neither lose it nor invent it. Payload is the JSON body sent (ids only, no personal data).
type WebhookEvent struct{ ent.Schema }

func (WebhookEvent) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (WebhookEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("event_id").Unique().Immutable().Comment("evt_ + random; the receivers' dedupe key"),
		field.String("type").NotEmpty().Immutable(),
		field.Bytes("payload").Immutable(),
		field.String("dedupe_key").Optional().Nillable().Unique().Immutable().
			Comment("set for events a job may find again (one reminder per subject and day)"),
		field.Time("created_at").Default(time.Now).Immutable(),
	}
}

func (WebhookEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

func (WebhookEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "created_at")}
}

func (WebhookEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// WebhookDelivery is one event's delivery to one endpoint, with its attempts: the worker claims due
// rows (FOR UPDATE SKIP LOCKED on PostgreSQL) and leases them while it calls the endpoint, so any
// number of server processes deliver each once and a process that dies mid-call is covered by the next.
type WebhookDelivery struct{ ent.Schema }

func (WebhookDelivery) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.Int("event_id").Immutable(),
		field.Int("endpoint_id").Immutable(),
		field.Enum("status").Values("PENDING", "DELIVERED", "FAILED").Default("PENDING"),
		field.Int("attempts").Default(0).NonNegative(),
		field.Time("next_attempt_at").Default(time.Now),
		field.Time("lease_until").Optional().Nillable().Comment("a worker is calling the endpoint until then"),
		field.Int("last_status_code").Optional().Nillable(),
		field.String("last_error").Default(""),
		field.Time("delivered_at").Optional().Nillable(),
		field.Time("created_at").Default(time.Now).Immutable(),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now),
	}
}

func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("event", WebhookEvent.Type).Ref("deliveries").Field("event_id").Unique().Required().Immutable(),
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").Unique().Required().Immutable(),
	}
}

func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("endpoint_id", "created_at"),
		index.Fields("event_id", "endpoint_id"),
	}
}

func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Webhook policies: admins read their agency's endpoints, events and deliveries; no viewer writes
// any of them (admins included): internal/webhooks does, after checking the caller is an admin, and
// the outbox hook and the worker through System.
func (WebhookEndpoint) Policy() ent.Policy { return adminReadSystemWrite() }
func (WebhookEvent) Policy() ent.Policy    { return adminReadSystemWrite() }
func (WebhookDelivery) Policy() ent.Policy { return adminReadSystemWrite() }

func adminReadSystemWrite() ent.Policy {
	read := policy(reads(all(admin)), nil)
	return privacy.Policy{Query: read.(privacy.Policy).Query, Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()}}
}
