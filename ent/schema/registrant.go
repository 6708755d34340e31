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

// Registrant is a temp worker registered with the agency (登録者).
type Registrant struct{ ent.Schema }

func (Registrant) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (Registrant) Fields() []ent.Field {
	return []ent.Field{
		field.Int("account_id").Optional().Nillable().Unique().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").NotEmpty().MaxLen(100).Annotations(entgql.OrderField("NAME")),
		field.String("external_key").Optional().Nillable().NotEmpty().MaxLen(100).
			Comment("the registrant's key in the agency's other system, unique in the agency: a bulk import (internal/bulk) updates the row with the same key instead of adding one").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipOrderField)),
		field.String("kana").Default("").MaxLen(100).Annotations(entgql.OrderField("KANA")),
		field.String("phone").Optional().Nillable().MaxLen(30).Annotations(confidential()),
		field.String("email").Optional().Nillable().MaxLen(254).Annotations(confidential()),
		field.String("preferred_contact_hours").Default("").MaxLen(100),
		field.String("prefecture").Validate(validPrefecture),
		field.String("city").Default("").MaxLen(100),
		field.String("nearest_station").Default("").MaxLen(100),
		field.Int("max_commute_minutes").Default(60).Range(0, 300),
		field.Bool("accepts_bus").Default(true),
		field.Int("desired_hourly_wage").Optional().Nillable().Range(1, 100000),
		field.Strings("desired_job_categories").Default([]string{}).Validate(nonEmptyStrings),
		field.Time("available_from").Optional().Nillable().SchemaType(dateType).Annotations(entgql.Type("Date")),
		field.Enum("employment").Values("FIXED_TERM", "INDEFINITE").Default("FIXED_TERM"),
		field.Bool("agreement_covered").Optional().Nillable().
			Comment("協定対象派遣労働者 (労使協定方式, 法30条の4): her wage is checked against the general wage; null: not decided").
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)),
		// Social and employment insurance enrollment (資格取得届の提出), which the client notice and the
		// ledger print (法35条, 則31条); null: not recorded. Written by staff through
		// recordInsuranceEnrollment only, never by the registrant's own profile form.
		field.Bool("health_insurance_enrolled").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.Bool("pension_insurance_enrolled").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.Bool("employment_insurance_enrolled").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.String("insurance_not_enrolled_reason").Optional().Nillable().MaxLen(500).
			Comment("why an insurance is not enrolled (the client notice states it, 則27条の2)").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.Time("registered_at").Default(time.Now).Immutable().
			Annotations(entgql.OrderField("REGISTERED_AT"), entgql.Skip(entgql.SkipMutationCreateInput)),
		field.Time("contact_pressure_flagged_at").Optional().Nillable().
			Comment("set when the registrant hit the inquiry rate limit; staff see the flag (§5.6)").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput)),
		// dispatch-law exemption facts (§6), recorded by staff; exposed as booleans only
		field.Bool("daytime_student").Default(false).Comment("昼間学生: day-labour exemption"),
		field.Bool("income_exemption").Default(false).Comment("income-based day-labour exemption"),
		field.Bool("retired_at_mandatory_age").Default(false).Comment("定年退職: former-employer exception with 60+"),
		// sensitive: self and admins only (audited)
		field.Time("birth_date").Optional().Nillable().SchemaType(dateType).
			Annotations(entgql.Type("Date"), entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.String("education").Optional().Nillable().MaxLen(300).
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.Enum("gender").Values("FEMALE", "MALE", "OTHER", "UNDISCLOSED").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)),
		field.Time("anonymized_at").Optional().Nillable().
			Comment("set when she asked for deletion: personal data gone, what the dispatch law keeps kept (internal/registrants)").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (Registrant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Annotations(serverOwned()...).Ref("registrant").Field("account_id").Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("skills", Skill.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entsql.OnDelete(entsql.Cascade)),
		edge.To("work_histories", WorkHistory.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entsql.OnDelete(entsql.Cascade)),
		edge.To("inquiries", Inquiry.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("applications", Application.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("assignments", Assignment.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("contact_logs", ContactLog.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("consents", Consent.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("ledger_logs", LedgerLog.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (Registrant) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("agency_id", "prefecture"),
		index.Fields("agency_id", "registered_at"),
		index.Fields("agency_id", "kana"),
		index.Fields("agency_id", "external_key").Unique(),
	}
}

func (Registrant) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// Skill is one skill of a registrant, e.g. Excel level 4 for 6 years.
type Skill struct{ ent.Schema }

func (Skill) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (Skill) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registrant_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").NotEmpty().MaxLen(100).Annotations(entgql.OrderField("NAME")),
		field.Int("level").Default(1).Range(1, 5).Comment("1 basic … 5 expert"),
		field.Float("years").Default(0).Range(0, 60),
	}
}

func (Skill) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("skills").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (Skill) Indexes() []ent.Index {
	return []ent.Index{index.Fields("registrant_id", "name").Unique(), index.Fields("name")}
}

func (Skill) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// WorkHistory is one past job of a registrant; matching reads its job category and task tags.
type WorkHistory struct{ ent.Schema }

func (WorkHistory) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (WorkHistory) Fields() []ent.Field {
	return []ent.Field{
		field.Int("registrant_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("company").NotEmpty().MaxLen(200),
		field.String("legal_entity_number").Optional().Nillable().Match(legalEntityRE),
		field.String("industry").Default("").MaxLen(100),
		field.String("job_category").NotEmpty().MaxLen(100),
		field.Text("tasks").Default("").MaxLen(5000),
		field.Strings("task_tags").Default([]string{}).Validate(nonEmptyStrings),
		field.Time("start_date").SchemaType(dateType).Annotations(entgql.Type("Date"), entgql.OrderField("START_DATE")),
		field.Time("end_date").Optional().Nillable().SchemaType(dateType).Annotations(entgql.Type("Date")),
		field.Enum("kind").Values("DISPATCHED", "DIRECT_EMPLOYMENT"),
	}
}

func (WorkHistory) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("work_histories").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (WorkHistory) Indexes() []ent.Index {
	return []ent.Index{index.Fields("registrant_id"), index.Fields("agency_id", "job_category"), index.Fields("legal_entity_number")}
}

func (WorkHistory) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}
