package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// InquiryMessage is one message of an inquiry's thread: the registrant's, or a staff member's
// (the assignee, or an admin). Only what its author wrote is in it — nothing is quoted or filled in
// automatically, so no confidential posting detail reaches the registrant unless staff write it.
// author_name is the display name at the time of writing (what the registrant sees of staff).
// Written by internal/threads only; the GraphQL types are hand-written (graph/api/threads.graphql).
type InquiryMessage struct{ ent.Schema }

func (InquiryMessage) Mixin() []ent.Mixin { return []ent.Mixin{TenantMixin{}} }

func (InquiryMessage) Fields() []ent.Field {
	return []ent.Field{
		field.Int("inquiry_id").Immutable(),
		field.Int("author_account_id").Optional().Nillable().Immutable(),
		field.Bool("from_staff").Immutable(),
		field.String("author_name").MaxLen(100).Immutable(),
		field.Text("body").NotEmpty().MaxLen(5000),
		field.Time("created_at").Default(time.Now).Immutable(),
	}
}

func (InquiryMessage) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("inquiry", Inquiry.Type).Ref("messages").Field("inquiry_id").Unique().Required().Immutable(),
	}
}

func (InquiryMessage) Indexes() []ent.Index {
	return []ent.Index{index.Fields("inquiry_id", "created_at")}
}

func (InquiryMessage) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
