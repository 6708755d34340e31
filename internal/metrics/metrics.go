// Package metrics exposes Prometheus metrics: GraphQL requests by operation, latency, errors by
// code, routing decisions, queue length and the database pool.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry with the service's collectors.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	errors    *prometheus.CounterVec
	decisions *prometheus.CounterVec
	cache     *prometheus.CounterVec
}

// New registers the collectors. queued reports the number of QUEUED inquiries at scrape time.
func New(db *sql.DB, queued func(context.Context) (int, error)) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffcrm_graphql_requests_total",
			Help: "GraphQL operations by operation name and type."}, []string{"operation", "type"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "staffcrm_graphql_request_duration_seconds",
			Help: "GraphQL operation latency.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffcrm_graphql_errors_total",
			Help: "GraphQL errors by extensions.code."}, []string{"code"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffcrm_routing_decisions_total",
			Help: "Routing decisions by action."}, []string{"action"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "staffcrm_response_cache_requests_total",
			Help: "GraphQL requests seen by the response cache: hit, miss or bypass (not cacheable)."}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.errors, m.decisions, m.cache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(db, "staffcrm"))
	}
	if queued != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "staffcrm_routing_queue_length",
			Help: "Inquiries waiting for an assignee."}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := queued(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		}))
	}
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// RoutingDecision counts one routing decision.
func (m *Metrics) RoutingDecision(action string) {
	if m != nil {
		m.decisions.WithLabelValues(action).Inc()
	}
}

// CacheResult counts one request seen by the response cache.
func (m *Metrics) CacheResult(result string) {
	if m != nil {
		m.cache.WithLabelValues(result).Inc()
	}
}

// Operations is a gqlgen response middleware counting operations, latency and error codes. Operation
// names come from clients, so unnamed or unusually long ones are bucketed to keep cardinality low.
func (m *Metrics) Operations(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	start := time.Now()
	resp := next(ctx)
	if m == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	oc := graphql.GetOperationContext(ctx)
	name, typ := oc.OperationName, "unknown"
	if oc.Operation != nil {
		typ = string(oc.Operation.Operation)
		if name == "" {
			name = oc.Operation.Name
		}
	}
	if name == "" || len(name) > 64 {
		name = "anonymous"
	}
	m.requests.WithLabelValues(name, typ).Inc()
	m.latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
	if resp != nil {
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" {
				code = "NONE"
			}
			m.errors.WithLabelValues(code).Inc()
		}
	}
	return resp
}
