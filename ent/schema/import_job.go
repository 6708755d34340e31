package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/entql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk/report"
)

// ImportJob is one bulk import of a CSV file (internal/bulk): what it imports, how, how far it got
// and the report of refused rows. It is bookkeeping, not domain data: no cached query serves it, so
// it is not data-versioned. The GraphQL type is in graph/api/bulk.graphql.
type ImportJob struct{ ent.Schema }

func (ImportJob) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}, TimeMixin{}} }

func (ImportJob) Fields() []ent.Field {
	return []ent.Field{
		field.Int("account_id").Immutable().Comment("the staff account that started the import (it runs as that viewer)"),
		field.Enum("kind").Values("REGISTRANTS", "POSTINGS").Immutable(),
		field.Enum("mode").Values("ALL_OR_NOTHING", "VALID_ROWS").Immutable(),
		field.Enum("status").Values("QUEUED", "RUNNING", "DONE", "FAILED").Default("QUEUED"),
		field.String("file_name").Default("").MaxLen(255).Immutable(),
		field.String("encoding").Default("").Comment("as detected: UTF-8, UTF-8 (BOM) or Shift_JIS"),
		field.Int("total").Default(0).NonNegative().Comment("data rows in the file"),
		field.Int("done").Default(0).NonNegative().Comment("rows decided so far (written, unchanged or refused)"),
		field.Int("imported").Default(0).NonNegative().Comment("rows added"),
		field.Int("updated").Default(0).NonNegative().Comment("rows whose key matched and that changed"),
		field.Int("unchanged").Default(0).NonNegative().Comment("rows whose key matched and that were already so (not written)"),
		field.Int("failed").Default(0).NonNegative().Comment("rows refused (errors holds at most the first 1000)"),
		field.JSON("errors", []report.Line{}).Default([]report.Line{}),
		field.String("message").Default("").Comment("what became of the file as a whole"),
		field.Time("started_at").Optional().Nillable(),
		field.Time("finished_at").Optional().Nillable(),
	}
}

func (ImportJob) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id", "created_at"), index.Fields("account_id", "created_at")}
}

func (ImportJob) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Policy: admins read every import of their agency, other staff the imports they started. No viewer
// writes a job (admins included): internal/bulk does, through System, after checking the viewer may
// import what the job imports — the rows it imports are written as the viewer.
func (ImportJob) Policy() ent.Policy {
	own := func(v *auth.Viewer) entql.P { return eq("account_id", v.AccountID) }
	read := policy(reads(all(admin), scoped(coordinator, own), scoped(salesRep, own)), nil)
	return privacy.Policy{Query: read.(privacy.Policy).Query, Mutation: privacy.MutationPolicy{privacy.AlwaysDenyRule()}}
}
