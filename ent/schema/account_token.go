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
)

// AccountToken is a one-time link token sent by e-mail: a set-password link (an invited staff
// member's, or anyone's password reset) or a registrant's e-mail verification link. Only its SHA-256 is stored; it is used at most once (used_at, set by a conditional update)
// and never after expires_at. Only internal/onetime touches these rows, through named System contexts.
type AccountToken struct{ ent.Schema }

func (AccountToken) Fields() []ent.Field {
	return []ent.Field{
		field.Int("account_id").Immutable(),
		field.Enum("purpose").Values("SET_PASSWORD", "VERIFY_EMAIL").Immutable(),
		field.String("token_hash").Unique().Immutable().Sensitive(),
		field.Time("created_at").Default(time.Now).Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("used_at").Optional().Nillable(),
	}
}

func (AccountToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("account_tokens").Field("account_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

func (AccountToken) Indexes() []ent.Index { return []ent.Index{index.Fields("account_id")} }

func (AccountToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
