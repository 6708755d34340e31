package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// DispatchContact is a person the dispatch law's records name (DESIGN §11): the agency's 派遣元責任者
// and complaint desk (one each per agency), a site's 派遣先責任者 and complaint desk, an org unit's
// 指揮命令者. scope_key ("agency", "site:N", "unit:N") makes "one per role and place" a unique index
// even where site and unit are NULL; internal/records sets it from the role and the place.
type DispatchContact struct{ ent.Schema }

func (DispatchContact) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (DispatchContact) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("role").Values("AGENCY_RESPONSIBLE", "AGENCY_COMPLAINT", "CLIENT_RESPONSIBLE", "CLIENT_COMPLAINT", "SUPERVISOR").
			Immutable(),
		field.Int("site_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("org_unit_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("scope_key").NotEmpty().MaxLen(40).Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.String("name").NotEmpty().MaxLen(100),
		field.String("department").Default("").MaxLen(100).Comment("部署・役職"),
		field.String("phone").NotEmpty().MaxLen(30),
	}
}

func (DispatchContact) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("site", ClientSite.Type).Ref("dispatch_contacts").Field("site_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("org_unit", OrgUnit.Type).Ref("dispatch_contacts").Field("org_unit_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
	}
}

func (DispatchContact) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "role", "scope_key").Unique(), index.Fields("site_id"), index.Fields("org_unit_id")}
}

// LedgerLog is one entry of what the agency ledger (派遣元管理台帳, 法37条) lists beside the
// assignment: a complaint received and how it was handled, education and training given, career
// consulting, an employment-stability measure taken (法30条). Entries are about a registrant, and
// about one assignment when staff name it. Kept like the ledger: deleting or anonymising the
// registrant keeps them until the ledger's retention ends.
type LedgerLog struct{ ent.Schema }

func (LedgerLog) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, TenantMixin{}} }

func (LedgerLog) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("COMPLAINT", "TRAINING", "CAREER_CONSULTING", "STABILITY_MEASURE").Immutable(),
		field.Int("registrant_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Int("assignment_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
		field.Time("occurred_on").SchemaType(dateType).Annotations(entgql.Type("Date"), entgql.OrderField("OCCURRED_ON")),
		field.Text("content").NotEmpty().MaxLen(2000),
		field.Text("handling").Optional().Nillable().MaxLen(2000).
			Comment("how a complaint was handled, or what a stability measure led to"),
		field.Int("recorded_by_id").Optional().Nillable().Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (LedgerLog) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("registrant", Registrant.Type).Ref("ledger_logs").Field("registrant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("assignment", Assignment.Type).Ref("ledger_logs").Field("assignment_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("recorded_by", Account.Type).Field("recorded_by_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

func (LedgerLog) Indexes() []ent.Index {
	return []ent.Index{index.Fields("registrant_id", "occurred_on"), index.Fields("assignment_id")}
}
