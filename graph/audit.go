package graph

import (
	"context"
	"log/slog"
	"reflect"

	"github.com/99designs/gqlgen/graphql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/internal/audit"
)

type auditKey struct{}

func recordRead(ctx context.Context, typ, field string, obj any) {
	if rec, ok := ctx.Value(auditKey{}).(*audit.Reads); ok {
		rec.Record(typ, field, entityID(obj))
	}
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

// AuditReads gives every operation an audit.Reads that the field guard records sensitive reads
// into, written once when the operation's response is done.
func AuditReads(client *ent.Client, log *slog.Logger) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		rec := audit.NewReads()
		h := next(context.WithValue(ctx, auditKey{}, rec))
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if err := rec.Flush(ctx, client); err != nil {
				log.ErrorContext(ctx, "audit log write failed", "err", err)
			}
			return resp
		}
	}
}
