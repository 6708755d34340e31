package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Agency is the tenant: every other row belongs to exactly one agency.
type Agency struct{ ent.Schema }

func (Agency) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (Agency) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.String("slug").Unique().Match(slugRE).Immutable(),
		field.Enum("routing_mode").Values("COORDINATOR", "DIRECT").Default("COORDINATOR"),
		field.String("timezone").Default("Asia/Tokyo").Validate(validTimezone),
		field.String("business_open").Default("09:00").Match(clockRE).Comment("HH:MM, agency local time"),
		field.String("business_close").Default("18:00").Match(clockRE).Comment("HH:MM, agency local time"),
		field.Ints("working_weekdays").Default([]int{1, 2, 3, 4, 5}).Validate(validWeekdays).
			Comment("0=Sunday … 6=Saturday"),
		field.Strings("holidays").Default([]string{}).Validate(validDates).Comment("YYYY-MM-DD, agency local dates"),
		field.Int("first_response_sla_minutes").Default(120).Range(1, 60*24*14).
			Comment("business minutes within which a QUEUED inquiry must be answered before escalation"),
		field.Int("ack_timeout_minutes").Default(30).Range(1, 60*24*7).
			Comment("business minutes an assignee has to acknowledge before reassignment"),
		field.Int("inquiry_rate_limit").Default(5).Range(1, 1000).Comment("inquiries per registrant per 24 h"),
		field.Int("next_job_lead_days").Default(30).Range(1, 365),
		field.Float("routing_weight_continuity").Default(3).Range(0, 100).Comment("§5.2 score weight: handled this registrant in the last 90 days"),
		field.Float("routing_weight_specialty").Default(2).Range(0, 100).Comment("§5.2 score weight: job category match"),
		field.Float("routing_weight_region").Default(1).Range(0, 100).Comment("§5.2 score weight: prefecture match"),
		field.JSON("matching_weights", map[string]float64{}).Optional().
			Comment("§8 score weights by component (EXPERIENCE, TASKS, …); missing components keep their defaults").
			Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("insurance_gap_days").Optional().Nillable().Range(1, 365).
			Comment("days after a contract's end to settle the next one; null means one calendar month"),
	}
}

func (Agency) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationUpdate()),
	}
}

func (Agency) Indexes() []ent.Index { return []ent.Index{index.Fields("name")} }
