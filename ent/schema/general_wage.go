package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// GeneralWage is one row of the official general wage (一般賃金, 法30条の4) an agency using the
// labour-management agreement method imported (internal/records): 職種別基準値 × 能力・経験調整指数 ×
// 地域指数 for a fiscal year, job category, years of experience and prefecture. Indices are stored in
// tenths of a percent. Rows marked sample are demonstration figures, not the official ones. The
// GraphQL type is in graph/api/records.graphql.
type GeneralWage struct{ ent.Schema }

func (GeneralWage) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (GeneralWage) Fields() []ent.Field {
	return []ent.Field{
		field.Int("fiscal_year").Range(2000, 2100),
		field.String("job_category").NotEmpty(),
		field.Int("experience_years").Range(0, 50),
		field.String("prefecture").NotEmpty(),
		field.Int("base_wage").Positive().Comment("職種別基準値, yen per hour"),
		field.Int("experience_index").Positive().Comment("能力・経験調整指数, tenths of a percent"),
		field.Int("area_index").Positive().Comment("地域指数, tenths of a percent"),
		field.Bool("sample").Default(false).Comment("demonstration data, not the official figure"),
		field.Time("created_at").Default(time.Now).Immutable(),
	}
}

func (GeneralWage) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "fiscal_year", "job_category", "experience_years", "prefecture").Unique()}
}

func (GeneralWage) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy: staff read the agency's table; only admins write it (the import).
func (GeneralWage) Policy() ent.Policy {
	return policy(reads(all(admin, coordinator, salesRep)), writes())
}
