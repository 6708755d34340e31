package respcache

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/example/staffcrm/internal/auth"
)

type fixedVersions struct{ v atomic.Int64 }

func (f *fixedVersions) AgencyVersion(context.Context, int) (int64, error) { return f.v.Load(), nil }

// TestConcurrentMissesRunOnce: requests for one entry arriving together after a write run the
// operation once and all get its answer; an answer that may not be stored is not shared.
func TestConcurrentMissesRunOnce(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphql", Input: `
		type Query { publicPostings: PublicPostingConnection }
		type PublicPostingConnection { totalCount: Int }`})
	for _, tc := range []struct {
		name       string
		answer     string
		executions int
	}{
		{"storable answer", `{"data":{"publicPostings":{"totalCount":1}}}`, 1},
		{"answer with errors", `{"errors":[{"message":"boom"}],"data":null}`, 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			versions := &fixedVersions{}
			c := New(schema, versions, 1<<20)
			var runs atomic.Int32
			exec := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				runs.Add(1)
				time.Sleep(50 * time.Millisecond) // the others arrive meanwhile
				io.WriteString(w, tc.answer)
			})
			h := c.Handler(http.NotFoundHandler(), exec)
			viewer := &auth.Viewer{AccountID: 7, AgencyID: 1, Role: auth.RoleRegistrant, ProfileID: 3}
			var wg sync.WaitGroup
			bodies := make([]string, 20)
			for i := range bodies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(`{"query":"{publicPostings{totalCount}}"}`))
					req.Header.Set("Content-Type", "application/json")
					req = req.WithContext(auth.WithViewer(req.Context(), viewer))
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					bodies[i] = rec.Body.String()
				}()
			}
			wg.Wait()
			if n := int(runs.Load()); n != tc.executions {
				t.Errorf("%d executions for 20 concurrent misses, want %d", n, tc.executions)
			}
			for i, b := range bodies {
				if b != tc.answer {
					t.Errorf("request %d got %q", i, b)
				}
			}
		})
	}
}
