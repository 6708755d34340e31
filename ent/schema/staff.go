package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Coordinator is the go-between of registrants and sales reps (COORDINATOR-mode agencies).
type Coordinator struct{ ent.Schema }

func (Coordinator) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (Coordinator) Fields() []ent.Field {
	return append([]ent.Field{
		field.Int("account_id").Optional().Nillable().Unique().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Strings("regions").Default([]string{}).Validate(validPrefectures).Comment("prefectures covered"),
	}, staffFields()...)
}

func (Coordinator) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Annotations(serverOwned()...).Ref("coordinator").Field("account_id").Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("inquiries", Inquiry.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
	}
}

func (Coordinator) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "available")}
}

func (Coordinator) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// SalesRep is an ACCOUNT rep (owns postings and contracts) or a SERVICE rep (wins client demand).
type SalesRep struct{ ent.Schema }

func (SalesRep) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (SalesRep) Fields() []ent.Field {
	return append([]ent.Field{
		field.Int("account_id").Optional().Nillable().Unique().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Enum("kind").Values("ACCOUNT", "SERVICE"),
	}, staffFields()...)
}

func (SalesRep) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("account", Account.Type).Annotations(serverOwned()...).Ref("sales_rep").Field("account_id").Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("postings", Posting.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("served_clients", ClientCompany.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("inquiries", Inquiry.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
	}
}

func (SalesRep) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "kind", "available")}
}

func (SalesRep) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// staffFields are shared by the two routable staff kinds.
func staffFields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(100).Annotations(entgql.OrderField("NAME")),
		field.Strings("specialties").Default([]string{}).Validate(nonEmptyStrings).Comment("job categories"),
		field.Int("capacity").Default(10).Range(0, 1000).Comment("max open inquiries"),
		field.Bool("available").Default(true).Comment("on shift"),
		field.Int("open_inquiries").Default(0).NonNegative().
			Comment("inquiries assigned and not yet resolved; kept by the router, never above capacity").
			Annotations(entgql.OrderField("OPEN_INQUIRIES"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("last_assigned_at").Optional().Nillable().
			Annotations(entgql.OrderField("LAST_ASSIGNED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}
