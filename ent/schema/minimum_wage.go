package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// MinimumWage is a prefecture's regional minimum wage (地域別最低賃金) from a date, as the agency
// imported it (internal/minwage): a posting below the floor in effect cannot be opened. Rows marked
// sample are demonstration figures, not the official ones. The GraphQL type is in graph/api/minwage.graphql.
type MinimumWage struct{ ent.Schema }

func (MinimumWage) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (MinimumWage) Fields() []ent.Field {
	return []ent.Field{
		field.String("prefecture").NotEmpty(),
		field.Int("hourly_wage").Positive().Comment("yen per hour"),
		field.Time("effective_from").SchemaType(dateType).Comment("the first day the wage applies"),
		field.Bool("sample").Default(false).Comment("demonstration data, not the official figure"),
		field.Time("created_at").Default(time.Now).Immutable(),
	}
}

func (MinimumWage) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "prefecture", "effective_from").Unique()}
}

func (MinimumWage) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy: staff read the agency's table; only admins write it (the import).
func (MinimumWage) Policy() ent.Policy {
	return policy(reads(all(admin, coordinator, salesRep)), writes())
}
