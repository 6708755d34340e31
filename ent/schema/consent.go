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

// Consent is a registrant's recorded consent (個人情報保護法): to the agency's privacy policy, and to
// the third-party provision of her anonymous skill sheet to clients, each with the version of the
// text she was shown and when. Rows are written by internal/registrants only (at sign-up); the
// GraphQL type is hand-written (graph/api/registrants.graphql).
type Consent struct{ ent.Schema }

func (Consent) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (Consent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registrant_id").Immutable(),
		field.Enum("kind").Values("PRIVACY_POLICY", "SKILL_SHEET_PROVISION").Immutable(),
		field.String("version").NotEmpty().MaxLen(50).Immutable(),
		field.Time("granted_at").Default(time.Now).Immutable(),
	}
}

func (Consent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("consents").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

func (Consent) Indexes() []ent.Index { return []ent.Index{index.Fields("registrant_id", "kind")} }

func (Consent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
