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

// RefreshToken is one opaque refresh token (only its SHA-256 is stored). Tokens issued by rotation
// share a family; presenting a used token revokes the whole family (RFC 6819 §5.2.2.3), unless it is
// presented again within the reuse window, when it yields the same successor. A family is one session:
// access tokens carry it (sid), and it ends when no token of it is left unrevoked.
type RefreshToken struct{ ent.Schema }

func (RefreshToken) Fields() []ent.Field {
	return []ent.Field{
		field.Int("account_id").Immutable(),
		field.String("token_hash").Unique().Immutable().Sensitive(),
		field.String("family").Immutable().NotEmpty(),
		field.Int("token_version").Immutable().Comment("account token_version when issued"),
		field.Time("created_at").Default(time.Now).Immutable(),
		field.Time("expires_at").Immutable(),
		field.Time("used_at").Optional().Nillable(),
		field.Time("revoked_at").Optional().Nillable(),
		// The successor pair, sealed with a key only the presenter of this token can derive, so a
		// refresh repeated within the reuse window gets the same answer; a database leak alone
		// does not reveal usable tokens.
		field.Bytes("successor_sealed").Optional().Nillable().Sensitive(),
	}
}

func (RefreshToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Ref("refresh_tokens").Field("account_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)).
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (RefreshToken) Indexes() []ent.Index {
	return []ent.Index{index.Fields("family"), index.Fields("account_id")}
}

func (RefreshToken) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
