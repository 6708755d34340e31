package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// ContactLog is one contact with a registrant, and the callback it may call for (§7.3).
type ContactLog struct{ ent.Schema }

func (ContactLog) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (ContactLog) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registrant_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("staff_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("the staff account that handled or owns the callback"),
		field.Enum("channel").Values("PHONE", "VOICEMAIL", "EMAIL", "SMS", "APP").Immutable(),
		field.Enum("direction").Values("INBOUND", "OUTBOUND").Immutable(),
		field.Enum("outcome").Values("REACHED", "NO_ANSWER", "LEFT_VOICEMAIL").Immutable(),
		field.Text("note").Default("").MaxLen(5000),
		field.Time("occurred_at").Default(time.Now).Immutable().Annotations(entgql.OrderField("OCCURRED_AT")),
		field.Time("callback_due_at").Optional().Nillable().Annotations(entgql.OrderField("CALLBACK_DUE_AT")),
		field.Bool("callback_done").Default(false),
	}
}

func (ContactLog) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("contact_logs").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("staff", Account.Type).Field("staff_id").Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (ContactLog) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("registrant_id", "occurred_at"),
		index.Fields("staff_id", "callback_done", "callback_due_at"),
	}
}

func (ContactLog) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// AuditEvent records who read or changed sensitive data, and when.
type AuditEvent struct{ ent.Schema }

func (AuditEvent) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("actor_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("action").Values("READ", "CHANGE").Immutable(),
		field.String("entity_type").NotEmpty().Immutable(),
		field.Int("entity_id").Immutable(),
		field.Strings("fields").Default([]string{}).Immutable(),
		field.Time("at").Default(time.Now).Immutable().Annotations(entgql.OrderField("AT")),
	}
}

func (AuditEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("actor", Account.Type).Field("actor_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "at"), index.Fields("actor_id"), index.Fields("entity_type", "entity_id")}
}

func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
