package graph

import (
	"fmt"

	"github.com/example/staffcrm/internal/records"
)

// The records edge: the service and the download path of a record (the server serves it).

func (r *Resolver) records() *records.Service { return &records.Service{Client: r.Client} }

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
