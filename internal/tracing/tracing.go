// Package tracing wires OpenTelemetry: gqlgen operations and SQL statements produce spans through
// the global tracer provider, which exports over OTLP/HTTP only when configured
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); otherwise it stays a no-op.
package tracing

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Setup installs an exporting tracer provider if getenv names an OTLP endpoint. The returned
// shutdown flushes spans; enabled says whether anything is exported.
func Setup(ctx context.Context, getenv func(string) string) (shutdown func(context.Context) error, enabled bool, err error) {
	if getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return func(context.Context) error { return nil }, false, nil
	}
	exp, err := otlptracehttp.New(ctx) // reads the standard OTEL_EXPORTER_OTLP_* variables
	if err != nil {
		return nil, false, fmt.Errorf("otlp exporter: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	return tp.Shutdown, true, nil
}
