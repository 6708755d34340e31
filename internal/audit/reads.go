// Package audit keeps the audit trail of sensitive reads (DESIGN §4: registrants' birth date and
// education, bill rates): which viewer read which fields of which row.
package audit

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

// Reads collects the sensitive reads of one operation, written in one batch by Flush. Safe for
// concurrent Record calls (fields resolve concurrently).
type Reads struct {
	mu    sync.Mutex
	reads map[target]map[string]bool
}

type target struct {
	typ string
	id  int
}

// NewReads returns an empty collection.
func NewReads() *Reads { return &Reads{reads: map[target]map[string]bool{}} }

// Record notes that field of the typ row id was read.
func (r *Reads) Record(typ, field string, id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := target{typ: typ, id: id}
	if r.reads[t] == nil {
		r.reads[t] = map[string]bool{}
	}
	r.reads[t][field] = true
}

// Flush writes one READ event per row read, as the viewer of ctx, and empties the collection.
// Anonymous reads have no one to attribute them to (and no audited field is public).
func (r *Reads) Flush(ctx context.Context, client *ent.Client) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reads) == 0 {
		return nil
	}
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil
	}
	builders := make([]*ent.AuditEventCreate, 0, len(r.reads))
	for t, fs := range r.reads {
		names := make([]string, 0, len(fs))
		for f := range fs {
			names = append(names, f)
		}
		sort.Strings(names)
		builders = append(builders, client.AuditEvent.Create().SetAgencyID(v.AgencyID).SetActorID(v.AccountID).
			SetAction(auditevent.ActionREAD).SetEntityType(t.typ).SetEntityID(t.id).SetFields(names))
	}
	r.reads = map[target]map[string]bool{}
	// Audit rows are written for the viewer but not by them: only admins may write AuditEvents.
	if _, err := client.AuditEvent.CreateBulk(builders...).Save(access.System(ctx, "audit: record sensitive reads")); err != nil {
		return fmt.Errorf("record sensitive reads: %w", err)
	}
	return nil
}

// RecordRead writes one READ event at once, for reads outside a GraphQL operation's collection
// (a statutory record assembled by a service, a download).
func RecordRead(ctx context.Context, client *ent.Client, typ string, id int, fields ...string) error {
	r := NewReads()
	for _, f := range fields {
		r.Record(typ, f, id)
	}
	return r.Flush(ctx, client)
}
