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

	"github.com/example/staffcrm/internal/routing/record"
)

// Inquiry is a registrant's question or request (問い合わせ), routed to one coordinator or sales rep.
// At most one of coordinator_id / sales_rep_id is set (checked by a CHECK constraint and the router).
type Inquiry struct{ ent.Schema }

func (Inquiry) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (Inquiry) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registrant_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("posting_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("coordinator_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("sales_rep_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").Values("POSTING_QUESTION", "APPLICATION_INTENT", "NEXT_JOB", "GENERAL").Immutable(),
		field.Enum("channel").Values("APP", "PHONE", "EMAIL").Default("APP").Immutable(),
		field.Enum("origin").Values("REGISTRANT", "STAFF", "SYSTEM").Default("REGISTRANT").Immutable(),
		field.Text("message").Default("").MaxLen(5000),
		field.Enum("status").Values("QUEUED", "ASSIGNED", "ACKNOWLEDGED", "HANDED_OFF", "RESOLVED", "CLOSED").
			Default("QUEUED").Annotations(entgql.OrderField("STATUS")),
		field.Time("due_at").Optional().Nillable().Annotations(entgql.OrderField("DUE_AT")),
		field.Int("priority").Default(0).Range(-10, 10).Annotations(entgql.OrderField("PRIORITY")),
		field.String("idempotency_key").Optional().Nillable().MaxLen(100).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("assigned_at").Optional().Nillable(),
		field.Time("ack_due_at").Optional().Nillable().Comment("business-time deadline for the assignee to acknowledge"),
		field.Time("handed_off_at").Optional().Nillable().Comment("set when a coordinator hands the inquiry to the posting's account rep"),
		field.Time("acknowledged_at").Optional().Nillable(),
		field.Time("resolved_at").Optional().Nillable(),
		field.Time("escalated_at").Optional().Nillable(),
	}
}

func (Inquiry) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("inquiries").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("posting", Posting.Type).Ref("inquiries").Field("posting_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("coordinator", Coordinator.Type).Ref("inquiries").Field("coordinator_id").Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("sales_rep", SalesRep.Type).Ref("inquiries").Field("sales_rep_id").Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("routing_decisions", RoutingDecision.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entsql.OnDelete(entsql.Cascade)),
		edge.To("messages", InquiryMessage.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipAll), entsql.OnDelete(entsql.Cascade)),
	}
}

func (Inquiry) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("agency_id", "status", "due_at"),
		index.Fields("status", "ack_due_at"),
		index.Fields("status", "priority", "created_at"),
		index.Fields("coordinator_id", "status"),
		index.Fields("sales_rep_id", "status"),
		index.Fields("registrant_id", "created_at"),
		index.Fields("posting_id"),
		index.Fields("registrant_id", "idempotency_key").Unique(),
	}
}

func (Inquiry) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// RoutingDecision records one routing step: who was considered, their scores, who was chosen and why.
type RoutingDecision struct{ ent.Schema }

func (RoutingDecision) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (RoutingDecision) Fields() []ent.Field {
	return []ent.Field{
		field.Int("inquiry_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("action").Values("ASSIGN", "QUEUE", "HAND_OFF", "DECLINE", "TIMEOUT", "REASSIGN", "ESCALATE", "RESOLVE").Immutable(),
		field.JSON("candidates", []record.Candidate{}).Default([]record.Candidate{}).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("chosen_coordinator_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("chosen_sales_rep_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("actor_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Text("reason").Immutable(),
		field.Time("created_at").Default(time.Now).Immutable().Annotations(entgql.OrderField("CREATED_AT")),
	}
}

func (RoutingDecision) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("inquiry", Inquiry.Type).Ref("routing_decisions").Field("inquiry_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("chosen_coordinator", Coordinator.Type).Field("chosen_coordinator_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("chosen_sales_rep", SalesRep.Type).Field("chosen_sales_rep_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("actor", Account.Type).Field("actor_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (RoutingDecision) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("inquiry_id", "created_at"),
		index.Fields("chosen_coordinator_id"),
		index.Fields("chosen_sales_rep_id"),
		index.Fields("actor_id"),
	}
}
