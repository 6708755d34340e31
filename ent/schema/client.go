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

// ClientCompany is the legal entity that receives dispatched workers (派遣先). Its name is confidential
// towards registrants until placement or disclosure.
type ClientCompany struct{ ent.Schema }

func (ClientCompany) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (ClientCompany) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.String("industry").NotEmpty().MaxLen(100),
		field.String("legal_entity_number").Optional().Nillable().Match(legalEntityRE).
			Comment("法人番号, 13 digits"),
		field.Int("service_rep_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (ClientCompany) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("service_rep", SalesRep.Type).Ref("served_clients").Field("service_rep_id").Unique().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("sites", ClientSite.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
	}
}

func (ClientCompany) Indexes() []ent.Index {
	return []ent.Index{index.Fields("service_rep_id"), index.Fields("agency_id", "name"), index.Fields("legal_entity_number")}
}

// Named ClientCompany (GraphQL too) because ent generates its own Client type.
func (ClientCompany) Annotations() []schema.Annotation {
	return []schema.Annotation{entsql.Table("clients"), entgql.QueryField("clients"), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// ClientSite is one establishment (事業所) of a client; the site-level dispatch limit (抵触日) lives here.
type ClientSite struct{ ent.Schema }

func (ClientSite) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (ClientSite) Fields() []ent.Field {
	return []ent.Field{
		field.Int("client_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
		field.String("address").NotEmpty().MaxLen(300),
		field.String("prefecture").Validate(validPrefecture),
		field.Time("conflict_date").Optional().Nillable().SchemaType(dateType).
			Annotations(entgql.Type("Date")).Comment("抵触日: no dispatch to this site on or after this date"),
		field.Time("conflict_date_notified_at").Optional().Nillable().SchemaType(dateType).
			Annotations(entgql.Type("Date")).Comment("when the client notified the conflict date"),
	}
}

func (ClientSite) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("client", ClientCompany.Type).Ref("sites").Field("client_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("org_units", OrgUnit.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("dispatch_contacts", DispatchContact.Type).Annotations(children(), entgql.Skip(entgql.SkipWhereInput)),
		edge.To("conflict_date_notices", ConflictDateNotice.Type).Annotations(children()).
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (ClientSite) Indexes() []ent.Index {
	return []ent.Index{index.Fields("client_id"), index.Fields("agency_id", "prefecture")}
}

func (ClientSite) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// OrgUnit is the organisational unit (組織単位, e.g. a section) the individual 3-year limit counts against.
type OrgUnit struct{ ent.Schema }

func (OrgUnit) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (OrgUnit) Fields() []ent.Field {
	return []ent.Field{
		field.Int("site_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").NotEmpty().MaxLen(200).Annotations(entgql.OrderField("NAME")),
	}
}

func (OrgUnit) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("site", ClientSite.Type).Ref("org_units").Field("site_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("postings", Posting.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("assignments", Assignment.Type).Annotations(children()).Annotations(entgql.Skip(entgql.SkipWhereInput), entgql.RelayConnection()),
		edge.To("dispatch_contacts", DispatchContact.Type).Annotations(children(), entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (OrgUnit) Indexes() []ent.Index { return []ent.Index{index.Fields("site_id")} }

func (OrgUnit) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate())}
}

// ConflictDateNotice is one notice of a site's conflict date (抵触日) the client gave (派遣法 26条4項):
// recording a new one keeps the earlier ones, and the site's conflict_date / conflict_date_notified_at
// are the latest notice's. Rows are immutable; internal/clients writes them together with the site.
type ConflictDateNotice struct{ ent.Schema }

func (ConflictDateNotice) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (ConflictDateNotice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("site_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("conflict_date").Immutable().SchemaType(dateType).Annotations(entgql.Type("Date")).
			Comment("抵触日 as notified"),
		field.Time("notified_on").Immutable().SchemaType(dateType).Annotations(entgql.Type("Date")).
			Comment("the date the client notified it"),
		field.Int("recorded_by_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("created_at").Default(time.Now).Immutable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (ConflictDateNotice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("site", ClientSite.Type).Ref("conflict_date_notices").Field("site_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("recorded_by", Account.Type).Field("recorded_by_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (ConflictDateNotice) Indexes() []ent.Index { return []ent.Index{index.Fields("site_id")} }
