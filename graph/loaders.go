package graph

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/agency"
	"github.com/example/staffcrm/ent/coordinator"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/internal/matching"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/threads"
)

// loaders batch the per-row lookups of hand-written resolvers (entgql's field collection covers the
// generated edges): one query per kind per request, whatever the page size. They live for one
// operation and read under its viewer's privacy, except where a named bypass says otherwise.
type loaders struct {
	agency      *memo[int, *ent.Agency]
	coordinator *dataloadgen.Loader[int, *ent.Coordinator] // by account id
	salesRep    *dataloadgen.Loader[int, *ent.SalesRep]    // by account id
	registrant  *dataloadgen.Loader[int, *ent.Registrant]  // by account id
	insurance   *dataloadgen.Loader[int, pipeline.Continuity]
	market      *memo[int, []matching.MarketPosting]            // by agency id
	messages    *dataloadgen.Loader[int, []*ent.InquiryMessage] // by inquiry id
}

// memo computes a value once per key for the operation. For keys nearly every row shares (the
// viewer's agency) it beats a batching loader: no wait window, one query.
type memo[K comparable, V any] struct {
	mu    sync.Mutex
	fetch func(ctx context.Context, key K) (V, error)
	done  map[K]*memoEntry[V]
}

type memoEntry[V any] struct {
	once sync.Once
	v    V
	err  error
}

func newMemo[K comparable, V any](fetch func(ctx context.Context, key K) (V, error)) *memo[K, V] {
	return &memo[K, V]{fetch: fetch, done: map[K]*memoEntry[V]{}}
}

// Load returns the value for key, fetching it on first use.
func (m *memo[K, V]) Load(ctx context.Context, key K) (V, error) {
	m.mu.Lock()
	e, ok := m.done[key]
	if !ok {
		e = &memoEntry[V]{}
		m.done[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.v, e.err = m.fetch(ctx, key) })
	return e.v, e.err
}

type loadersKey struct{}

// loaderWait gathers the per-row lookups of one list into one batch; gqlgen resolves the rows'
// resolver fields concurrently, so they arrive within this window even under the race detector.
const loaderWait = 10 * time.Millisecond

func byKey[K comparable, V any](keys []K, rows []V, key func(V) K) ([]V, []error) {
	m := make(map[K]V, len(rows))
	for _, r := range rows {
		m[key(r)] = r
	}
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out, nil
}

func fail[V any](n int, err error) ([]V, []error) {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return make([]V, n), errs
}

func newLoaders(c *ent.Client) *loaders {
	w := dataloadgen.WithWait(loaderWait)
	return &loaders{
		agency: newMemo(func(ctx context.Context, id int) (*ent.Agency, error) {
			return c.Agency.Query().Where(agency.ID(id)).Only(ctx)
		}),
		coordinator: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([]*ent.Coordinator, []error) {
			rows, err := c.Coordinator.Query().Where(coordinator.AccountIDIn(ids...)).All(ctx)
			if err != nil {
				return fail[*ent.Coordinator](len(ids), err)
			}
			return byKey(ids, rows, func(x *ent.Coordinator) int { return *x.AccountID })
		}, w),
		salesRep: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([]*ent.SalesRep, []error) {
			rows, err := c.SalesRep.Query().Where(salesrep.AccountIDIn(ids...)).All(ctx)
			if err != nil {
				return fail[*ent.SalesRep](len(ids), err)
			}
			return byKey(ids, rows, func(x *ent.SalesRep) int { return *x.AccountID })
		}, w),
		registrant: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([]*ent.Registrant, []error) {
			rows, err := c.Registrant.Query().Where(registrant.AccountIDIn(ids...)).All(ctx)
			if err != nil {
				return fail[*ent.Registrant](len(ids), err)
			}
			return byKey(ids, rows, func(x *ent.Registrant) int { return *x.AccountID })
		}, w),
		insurance: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([]pipeline.Continuity, []error) {
			// The pipeline checks the viewer sees each registrant before it reads all their contracts.
			m, err := (&pipeline.Service{Client: c}).Insurance(ctx, ids)
			if err != nil {
				return fail[pipeline.Continuity](len(ids), err)
			}
			out, errs := make([]pipeline.Continuity, len(ids)), make([]error, len(ids))
			for i, id := range ids {
				var ok bool
				if out[i], ok = m[id]; !ok {
					errs[i] = pipeline.ErrNotFound
				}
			}
			return out, errs
		}, w),
		// Matching checks the viewer belongs to the agency before it reads all its open postings' wages.
		market: newMemo((&matching.Service{Client: c}).Market),
		messages: dataloadgen.NewLoader(func(ctx context.Context, ids []int) ([][]*ent.InquiryMessage, []error) {
			m, err := (&threads.Service{Client: c}).Messages(ctx, ids)
			if err != nil {
				return fail[[]*ent.InquiryMessage](len(ids), err)
			}
			out := make([][]*ent.InquiryMessage, len(ids))
			for i, id := range ids {
				out[i] = m[id]
				if out[i] == nil {
					out[i] = []*ent.InquiryMessage{}
				}
			}
			return out, nil
		}, w),
	}
}

// Loaders attaches fresh per-operation loaders.
func Loaders(c *ent.Client) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(context.WithValue(ctx, loadersKey{}, newLoaders(c)))
	}
}

// loadersOf returns the operation's loaders, or fresh ones outside an operation (tests, jobs).
func loadersOf(ctx context.Context, c *ent.Client) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(c)
}

// siblingIDs returns the ids of the rows in the list the current field's object belongs to (a
// connection's edges or a plain list), so a loader can be asked for all of them in one call. gqlgen
// resolves the rows concurrently; asking for the whole list up front makes the batch deterministic
// instead of depending on how many rows arrive within the wait window.
func siblingIDs(ctx context.Context) []int {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		rv := reflect.ValueOf(fc.Result)
		for rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() == reflect.Slice {
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Slice {
			continue
		}
		ids := make([]int, 0, rv.Len())
		for i := range rv.Len() {
			el := reflect.Indirect(rv.Index(i))
			if el.Kind() == reflect.Pointer {
				el = reflect.Indirect(el)
			}
			if el.Kind() != reflect.Struct {
				return nil
			}
			if n := el.FieldByName("Node"); n.IsValid() {
				el = reflect.Indirect(n)
			}
			if !el.IsValid() || el.Kind() != reflect.Struct {
				continue
			}
			if id := el.FieldByName("ID"); id.IsValid() && id.CanInt() {
				ids = append(ids, int(id.Int()))
			}
		}
		return ids
	}
	return nil
}

// prime asks the loader for every sibling at once (results are cached for the row lookups).
func prime[V any](ctx context.Context, l *dataloadgen.Loader[int, V]) {
	if ids := siblingIDs(ctx); len(ids) > 1 {
		l.LoadAllThunk(ctx, ids)
	}
}
