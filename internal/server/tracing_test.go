package server_test

import (
	"context"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/example/staffcrm/internal/dbtest"
)

// TestTracingHooks: with a tracer provider installed, a GraphQL request yields an operation span
// and SQL spans (gqlgen and database/sql are instrumented; exporting is configuration).
func TestTracingHooks(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	defer func() { otel.SetTracerProvider(prev); _ = tp.Shutdown(context.Background()) }()

	e := newEnv(t, dbtest.SQLite)
	token, _, _ := e.tokens.Issue(e.admin)
	if r := do(t, e.url, token, query(`query Board{postings(first:5){totalCount}}`, nil)); len(r.Errors) > 0 {
		t.Fatal(codesOf(r))
	}
	var names []string
	for _, s := range exp.GetSpans() {
		names = append(names, s.Name)
	}
	all := strings.Join(names, ",")
	if !strings.Contains(all, "Board") || !strings.Contains(all, "sql") {
		t.Fatalf("spans: %s", all)
	}
}
