package access

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"entgo.io/ent"

	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/internal/auth"
)

// Write scope of DESIGN.md §4: every id a mutation sets, adds, removes or clears must name a row the
// caller may see and may attach. The row policies cover the mutated row; EdgeGuard covers the rows
// its edges point at, for every mutation of every caller, whichever service or input built it.

// ErrEdgeNotAttachable is returned (wrapped in privacy.Deny, so FORBIDDEN) when a viewer links a row
// it may see but not attach: a server-owned edge, or a link stored on the target's row (re-pointing
// another row's parent belongs to the service that owns that row).
var ErrEdgeNotAttachable = errors.New("edge may not be changed by this caller")

// ServerOwnedEdge marks an edge only the service that owns it sets, under System (account ↔ profile,
// agency): no viewer's write may set, add, remove or clear it. Read by ent/template/edgeguard.tmpl.
type ServerOwnedEdge struct {
	ServerOwned bool
}

// Name implements schema.Annotation.
func (ServerOwnedEdge) Name() string { return "ServerOwned" }

// ServerOwned is the annotation value for ent/schema edges.
func ServerOwned() ServerOwnedEdge { return ServerOwnedEdge{ServerOwned: true} }

// edgeTargets is generated for every mutation by ent/template/edgeguard.tmpl.
type edgeTargets interface {
	CountEdgeTargets(ctx context.Context, edge string, ids []int) (int, error)
	EdgeKeyOnTarget(edge string) bool
	EdgeServerOwned(edge string) bool
}

// tenantEdge is set by TenantHook from the viewer and never taken from input.
const tenantEdge = "agency"

// EdgeGuard refuses, for a viewer's mutation, any edge id the viewer cannot see (NOT_FOUND, like a
// missing id: a row of another agency or outside the viewer's scope does not exist for it) and any
// change to an edge the viewer may see but not attach (FORBIDDEN). System contexts are trusted: the
// service that entered one has checked scope itself.
func EdgeGuard() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if err := checkEdges(ctx, m); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m.Op(), m.Type(), err)
			}
			return next.Mutate(ctx, m)
		})
	}
}

func checkEdges(ctx context.Context, m ent.Mutation) error {
	if _, sys := SystemReason(ctx); sys {
		return nil
	}
	if _, ok := auth.ViewerFrom(ctx); !ok {
		return nil // the row policy has denied the write already
	}
	et, ok := m.(edgeTargets)
	if !ok {
		return fmt.Errorf("%T has no generated edge checks", m) // fail closed
	}
	for _, e := range m.AddedEdges() {
		if e == tenantEdge {
			continue
		}
		if err := checkLinked(ctx, et, e, m.AddedIDs(e)); err != nil {
			return err
		}
	}
	for _, e := range m.RemovedEdges() {
		if err := checkLinked(ctx, et, e, m.RemovedIDs(e)); err != nil {
			return err
		}
	}
	for _, e := range m.ClearedEdges() {
		// Clearing a link kept on the row itself (an optional reference) is an edit of that row,
		// which its policy has allowed; clearing children or a server-owned link is not.
		if et.EdgeServerOwned(e) || et.EdgeKeyOnTarget(e) {
			return notAttachable(e)
		}
	}
	return nil
}

func checkLinked(ctx context.Context, et edgeTargets, edge string, values []ent.Value) error {
	ids := make([]int, 0, len(values))
	for _, v := range values {
		id, ok := v.(int)
		if !ok {
			return fmt.Errorf("edge %s: id of type %T", edge, v)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	n, err := et.CountEdgeTargets(ctx, edge, ids)
	switch {
	case errors.Is(err, privacy.Deny):
		n = 0 // a type the viewer may not read at all: nothing to link
	case err != nil:
		return fmt.Errorf("check edge %s: %w", edge, err)
	}
	if n != len(ids) {
		return fmt.Errorf("edge %s: %w", edge, ErrEdgeTargetNotFound)
	}
	if et.EdgeServerOwned(edge) || et.EdgeKeyOnTarget(edge) {
		return notAttachable(edge)
	}
	return nil
}

func notAttachable(edge string) error {
	return fmt.Errorf("%w: edge %s: %w", privacy.Deny, edge, ErrEdgeNotAttachable)
}

// DenyChangeOf refuses updates that set field to anyone the earlier rules have not allowed (place it
// after AllowRoles for the roles that may): e.g. only admins hand a posting to another account rep.
func DenyChangeOf(field string) privacy.MutationRule {
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		if m.Op().Is(ent.OpCreate) {
			return privacy.Skip
		}
		if _, set := m.Field(field); set {
			return fmt.Errorf("%w: field %s: %w", privacy.Deny, field, ErrEdgeNotAttachable)
		}
		if slices.Contains(m.ClearedFields(), field) {
			return fmt.Errorf("%w: field %s: %w", privacy.Deny, field, ErrEdgeNotAttachable)
		}
		return privacy.Skip
	})
}
