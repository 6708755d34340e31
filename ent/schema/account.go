package schema

import (
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Account is a login identity. Emails are globally unique and compared case-insensitively, so
// they are stored lower-cased (see the hook in ent/schema/hooks.go).
type Account struct{ ent.Schema }

func (Account) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (Account) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").Unique().MaxLen(254).Match(emailRE).
			Validate(func(s string) error {
				if s != strings.ToLower(s) {
					return errEmailCase
				}
				return nil
			}).
			Annotations(entgql.OrderField("EMAIL")),
		field.String("password_hash").Sensitive().NotEmpty().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("role").Values("ADMIN", "COORDINATOR", "SALES_REP", "REGISTRANT"),
		field.Bool("disabled").Default(false),
		field.Int("token_version").Default(0).NonNegative().
			Comment("bumped to invalidate every access and refresh token of the account").
			Annotations(entgql.Skip(entgql.SkipAll)),
		// A flag rather than a verified-at time, so accounts made before self-registration existed
		// (by admins and the seed) need no data migration on either store.
		field.Bool("email_unverified").Default(false).
			Comment("true while a self-registered account waits for its e-mail to be verified; such an account cannot sign in").
			Annotations(entgql.Skip(entgql.SkipAll)), // GraphQL: Account.emailVerified (graph/api/registrants.graphql)
		field.Time("last_login_at").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Account) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("coordinator", Coordinator.Type).Annotations(serverOwned()...).Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("sales_rep", SalesRep.Type).Annotations(serverOwned()...).Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("registrant", Registrant.Type).Annotations(serverOwned()...).Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("refresh_tokens", RefreshToken.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("account_tokens", AccountToken.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (Account) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "role")}
}

func (Account) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
