package graph

import (
	"context"
	"fmt"

	"github.com/example/staffcrm/internal/records"
)

// The records edge: the service and the download path of a record (the server serves it).

func (r *Resolver) records() *records.Service {
	s := &records.Service{Client: r.Client, Subscriber: r.Bus}
	if r.Sessions != nil {
		s.Alive = func(ctx context.Context) error {
			_, err := r.Sessions.Viewer(ctx)
			return err
		}
	}
	return s
}

// RecordPDFPath is where a record's PDF is served (internal/server routes it).
func RecordPDFPath(kind string, assignmentID int) string {
	return fmt.Sprintf("/records/%s/%d.pdf", kind, assignmentID)
}

// pointers is the []*T gqlgen wants for a list of values (findings, records, …).
func pointers[T any](xs []T) []*T {
	out := make([]*T, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}
