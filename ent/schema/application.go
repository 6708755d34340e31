package schema

import (
	"context"
	"fmt"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/webhooks"
)

// applicationStatuses is the §7.1 state set; terminalApplication are the states that free the
// registrant × posting pair for a new application.
var applicationStatuses = []string{
	"APPLIED", "SCREENING", "SCREENING_PASSED", "SCREENING_REJECTED", "CLIENT_MEETING", "OFFERED",
	"ACCEPTED", "PLACED", "WITHDRAWN", "DECLINED", "CLIENT_REJECTED",
}

// terminalApplication are the states that free the registrant × posting pair for a new application.
var terminalApplication = map[string]bool{
	"SCREENING_REJECTED": true, "WITHDRAWN": true, "DECLINED": true, "CLIENT_REJECTED": true,
}

// Application is a registrant's application to a posting (応募/エントリー).
type Application struct{ ent.Schema }

func (Application) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (Application) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registrant_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("posting_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("status").Values(applicationStatuses...).Default("APPLIED").Annotations(entgql.OrderField("STATUS")),
		field.Text("internal_notes").Optional().Nillable().MaxLen(10000).Annotations(confidential()),
		field.Text("rejection_reason").Optional().Nillable().MaxLen(2000).Annotations(confidential()),
		field.String("idempotency_key").Optional().Nillable().MaxLen(100).Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		// active is true while the application is not terminal and NULL after. NULLs never collide in
		// a unique index, so (registrant, posting, active) allows one active application per pair on
		// both PostgreSQL and SQLite without a dialect-specific partial index.
		field.Bool("active").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
		// The client meeting or workplace visit staff scheduled (internal/pipeline ScheduleMeeting);
		// the registrant sees all four (MyApplication.meeting).
		field.Time("meeting_at").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.String("meeting_place").Optional().Nillable().MaxLen(300).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.Strings("meeting_attendees").Optional().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Text("meeting_note").Optional().Nillable().MaxLen(2000).
			Comment("for the registrant: what to bring, whom to ask for").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}

// Hooks keep the active marker in step with the status and report status changes to webhooks.
func (Application) Hooks() []ent.Hook {
	return []ent.Hook{access.OwnerHook(registrant, "registrant_id"), webhooks.ApplicationHook(), func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			v, set := m.Field("status")
			var err error
			switch {
			case set && terminalApplication[fmt.Sprint(v)]:
				err = m.ClearField("active")
			case set:
				err = m.SetField("active", true)
			}
			if err != nil {
				return nil, fmt.Errorf("application active marker: %w", err)
			}
			return next.Mutate(ctx, m)
		})
	}}
}

func (Application) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("applications").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("posting", Posting.Type).Ref("applications").Field("posting_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("events", ApplicationEvent.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entsql.OnDelete(entsql.Cascade)),
		edge.To("assignment", Assignment.Type).Annotations(children()).Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (Application) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("posting_id", "status"),
		index.Fields("registrant_id", "created_at"),
		index.Fields("agency_id", "status", "created_at"),
		// one active application per registrant × posting
		index.Fields("registrant_id", "posting_id", "active").Unique(),
		index.Fields("registrant_id", "idempotency_key").Unique(),
	}
}

func (Application) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// ApplicationEvent is one row of an application's status history.
type ApplicationEvent struct{ ent.Schema }

func (ApplicationEvent) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (ApplicationEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("application_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("actor_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("from_status").Values(applicationStatuses...).Optional().Nillable().Immutable(),
		field.Enum("to_status").Values(applicationStatuses...).Immutable(),
		field.Text("reason").Optional().Nillable().MaxLen(2000).Immutable().Annotations(confidential()),
		field.Time("at").Default(time.Now).Immutable().Annotations(entgql.OrderField("AT")),
	}
}

func (ApplicationEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("application", Application.Type).Ref("events").Field("application_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("actor", Account.Type).Field("actor_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (ApplicationEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("application_id", "at"), index.Fields("actor_id")}
}

// Assignment is a placement (就業/派遣契約); renewals link to the assignment they continue.
type Assignment struct{ ent.Schema }

func (Assignment) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (Assignment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registrant_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("posting_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("org_unit_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("application_id").Optional().Nillable().Unique().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("renewal_of_id").Optional().Nillable().Unique().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("start_date").SchemaType(dateType).Annotations(entgql.Type("Date"), entgql.OrderField("START_DATE")),
		field.Time("end_date").SchemaType(dateType).Annotations(entgql.Type("Date"), entgql.OrderField("END_DATE")),
		field.Int("hourly_wage").Range(1, 100000),
		field.Int("bill_rate").Optional().Nillable().Range(1, 200000).Annotations(confidential()),
		field.Enum("status").Values("SCHEDULED", "ACTIVE", "ENDED", "TERMINATED").Default("SCHEDULED").
			Annotations(entgql.OrderField("STATUS")),
		// 中途解除 (internal/pipeline Terminate): end_date becomes the last day worked; the contract's
		// planned end, who ended it, why, and the measures taken for the worker (the dispatch act's
		// required record) are kept.
		field.Time("planned_end_date").Optional().Nillable().SchemaType(dateType).
			Annotations(entgql.Type("Date"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.Enum("terminated_by").Values("CLIENT", "AGENCY", "WORKER").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Text("termination_reason").Optional().Nillable().MaxLen(2000).
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
		field.Text("termination_measures").Optional().Nillable().MaxLen(2000).
			Comment("新たな就業機会の確保・休業手当等の措置").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)),
	}
}

func (Assignment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("assignments").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("posting", Posting.Type).Ref("assignments").Field("posting_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("org_unit", OrgUnit.Type).Ref("assignments").Field("org_unit_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("application", Application.Type).Ref("assignment").Field("application_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("renewal", Assignment.Type).Annotations(children()).Unique().Annotations(entgql.Skip(entgql.SkipWhereInput)).
			From("renewal_of").Field("renewal_of_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("ledger_logs", LedgerLog.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (Assignment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("registrant_id", "end_date"),
		index.Fields("posting_id"),
		index.Fields("org_unit_id", "registrant_id"),
		index.Fields("agency_id", "status", "end_date"),
	}
}

func (Assignment) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
