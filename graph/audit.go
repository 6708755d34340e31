package graph

import (
	"context"
	"log/slog"
	"reflect"
	"sort"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
)

type auditKey struct{}

// auditRecorder collects the audited reads of one operation, written in one batch at its end.
type auditRecorder struct {
	mu    sync.Mutex
	reads map[auditTarget]map[string]bool
}

type auditTarget struct {
	typ string
	id  int
}

func recordRead(ctx context.Context, typ, field string, obj any) {
	rec, ok := ctx.Value(auditKey{}).(*auditRecorder)
	if !ok {
		return
	}
	id := entityID(obj)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	t := auditTarget{typ: typ, id: id}
	if rec.reads[t] == nil {
		rec.reads[t] = map[string]bool{}
	}
	rec.reads[t][field] = true
}

func entityID(obj any) int {
	rv := reflect.ValueOf(obj)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if f := rv.Elem().FieldByName("ID"); f.IsValid() && f.CanInt() {
			return int(f.Int())
		}
	}
	return 0
}

// AuditReads records, for every operation, which sensitive fields (DESIGN §4: registrants' birth
// date and education, bill rates) the viewer read, as AuditEvent rows written once per operation.
func AuditReads(client *ent.Client, log *slog.Logger) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		rec := &auditRecorder{reads: map[auditTarget]map[string]bool{}}
		h := next(context.WithValue(ctx, auditKey{}, rec))
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if err := rec.flush(ctx, client); err != nil {
				log.ErrorContext(ctx, "audit log write failed", "err", err)
			}
			return resp
		}
	}
}

func (r *auditRecorder) flush(ctx context.Context, client *ent.Client) error {
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
	r.reads = map[auditTarget]map[string]bool{}
	// Audit rows are written for the viewer but not by them: only admins may write AuditEvents.
	_, err := client.AuditEvent.CreateBulk(builders...).Save(access.System(ctx, "audit: record sensitive reads"))
	return err
}
