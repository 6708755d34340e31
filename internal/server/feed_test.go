package server_test

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/example/staffcrm/internal/dbtest"
)

// TestFeedWorkplaceOnlyWhenAsked: the feed skips the workplace lookup (a statement per page) unless
// clientName or siteAddress is selected, directly or through a fragment, and then returns exactly
// what the posting's own node returns.
func TestFeedWorkplaceOnlyWhenAsked(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			h, _ := demoHandler(t, kind)
			srv := httptest.NewServer(h)
			defer srv.Close()
			r := do(t, srv.URL, "", query(`mutation{login(input:{email:"registrant@demo.example",password:"demo-password"}){accessToken}}`, nil))
			reg := r.Data["login"].(map[string]any)["accessToken"].(string)

			plain := statements(t, srv.URL, reg, `{publicPostings(first: 50){edges{node{id title}}}}`)
			asked := statements(t, srv.URL, reg, `{publicPostings(first: 50){edges{node{id clientName}}}}`)
			if atoi(asked) <= atoi(plain) {
				t.Errorf("statements without/with clientName: %s/%s; the workplace lookup should run only when asked", plain, asked)
			}

			for _, q := range []string{
				`{publicPostings(first: 50){edges{node{id clientName siteAddress}}}}`,
				`{publicPostings(first: 50){edges{node{id ... on PublicPosting{clientName siteAddress}}}}}`,
				`fragment W on PublicPosting{clientName siteAddress} {publicPostings(first: 50){edges{node{id ...W}}}}`,
			} {
				r := do(t, srv.URL, reg, query(q, nil))
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %v", q, codesOf(r))
				}
				disclosed := 0
				for _, e := range r.Data["publicPostings"].(map[string]any)["edges"].([]any) {
					n := e.(map[string]any)["node"].(map[string]any)
					one := do(t, srv.URL, reg, query(fmt.Sprintf(`{node(id:%q){... on PublicPosting{clientName siteAddress}}}`, n["id"]), nil))
					want := one.Data["node"].(map[string]any)
					if fmt.Sprint(n["clientName"], n["siteAddress"]) != fmt.Sprint(want["clientName"], want["siteAddress"]) {
						t.Fatalf("%s: posting %v lists %v/%v, its node says %v/%v", q, n["id"], n["clientName"], n["siteAddress"], want["clientName"], want["siteAddress"])
					}
					if n["clientName"] != nil {
						disclosed++
					}
				}
				if disclosed == 0 {
					t.Fatalf("%s: no posting of the demo feed shows its workplace; the check proves nothing", q)
				}
			}
		})
	}
}
