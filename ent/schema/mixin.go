package schema

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/region"
)

// TimeMixin stamps creation and update times; created_at is orderable everywhere.
type TimeMixin struct{ mixin.Schema }

func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(time.Now).Immutable().
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// TenantMixin ties every row to exactly one agency. The agency is set by the server from the viewer,
// never taken from API input, so it is hidden from the GraphQL surface.
type TenantMixin struct{ mixin.Schema }

func (TenantMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Int("agency_id").Immutable().Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

func (TenantMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("agency", Agency.Type).Field("agency_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll), entsql.OnDelete(entsql.Cascade)),
	}
}

// Hooks: the agency comes from the viewer; every edge id a viewer's write names must be one it may
// see and attach (access.EdgeGuard).
func (TenantMixin) Hooks() []ent.Hook { return []ent.Hook{access.TenantHook(), access.EdgeGuard()} }

func (TenantMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("agency_id")}
}

// children: an edge to rows that hang off this one (their foreign key points here). Such a link is
// made from the child's side, by the service that owns the child, never by re-parenting it through the
// parent's generic input.
func children() entgql.Annotation {
	return entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
}

// serverOwned: a link only the server sets (account ↔ profile), absent from generic inputs and refused
// for every viewer's write by access.EdgeGuard.
func serverOwned() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), access.ServerOwned()}
}

// dateType stores calendar dates (start/end of contracts, birth dates) without a time of day.
var dateType = map[string]string{dialect.Postgres: "date", dialect.SQLite: "date"}

// confidential hides a field from filters, ordering and mutation inputs of the generated API; field
// rules decide who reads it.
func confidential() entgql.Annotation {
	return entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField)
}

var (
	emailRE          = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	slugRE           = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$`)
	clockRE          = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	legalEntityRE    = regexp.MustCompile(`^[0-9]{13}$`)
	isoDateRE        = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	errNotPrefecture = errors.New("not a Japanese prefecture")
	errEmailCase     = errors.New("email must be lower-case")
)

func validPrefecture(s string) error {
	if !region.IsPrefecture(s) {
		return fmt.Errorf("%q: %w", s, errNotPrefecture)
	}
	return nil
}

func validPrefectures(ss []string) error {
	for _, s := range ss {
		if err := validPrefecture(s); err != nil {
			return err
		}
	}
	return nil
}

func validTimezone(s string) error {
	if _, err := time.LoadLocation(s); err != nil {
		return fmt.Errorf("unknown time zone %q", s)
	}
	return nil
}

func validWeekdays(days []int) error {
	for _, d := range days {
		if d < 0 || d > 6 {
			return fmt.Errorf("weekday %d out of range 0 (Sunday) to 6 (Saturday)", d)
		}
	}
	return nil
}

func validDates(ds []string) error {
	for _, d := range ds {
		if !isoDateRE.MatchString(d) {
			return fmt.Errorf("holiday %q is not YYYY-MM-DD", d)
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return fmt.Errorf("holiday %q: %w", d, err)
		}
	}
	return nil
}

func nonEmptyStrings(ss []string) error {
	for _, s := range ss {
		if s == "" {
			return errors.New("empty entry")
		}
	}
	return nil
}
