package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestMatchingOverHTTP: ranked matches with explanations for staff, recommendations for registrants
// without staff-only components, and posting signals per role.
func TestMatchingOverHTTP(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			ok := func(role, q string) map[string]any {
				t.Helper()
				r := e.gql(t, role, q)
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %v %q", q, codesOf(r), r.Errors[0].Message)
				}
				return r.Data
			}
			d := ok(roleSales, fmt.Sprintf(`{matchRegistrants(postingId:"%d", first:5){totalCount edges{score blocked node{id} explanations{component weight value contribution text}}}}`, e.rows["P1"].id))
			edges := d["matchRegistrants"].(map[string]any)["edges"].([]any)
			if len(edges) == 0 {
				t.Fatal("no matches")
			}
			for _, ed := range edges {
				m := ed.(map[string]any)
				if s := m["score"].(float64); s < 0 || s > 1 || len(m["explanations"].([]any)) != 8 {
					t.Fatalf("edge %v", m)
				}
				if n, ok := m["node"].(map[string]any); !ok || n == nil {
					t.Fatalf("match to a registrant the rep may not see: %v", m)
				}
			}
			// The rep sees only registrants in their scope (G1 applied to their posting; G2 did not).
			if strings.Contains(fmt.Sprint(d), fmt.Sprintf("id:%d", e.rows["G2"].id)) {
				t.Fatalf("sales rep matched a registrant outside their scope: %v", d)
			}
			ok(roleCoord, fmt.Sprintf(`{matchPostings(registrantId:"%d"){totalCount edges{score node{title signals{wagePercentile areaMedianWage riskLevel riskReasons}}}}}`, e.rows["G1"].id))
			r := e.gql(t, roleReg, fmt.Sprintf(`{matchPostings(registrantId:"%d"){totalCount}}`, e.rows["G1"].id))
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeForbidden {
				t.Fatalf("registrant used the staff match: %v", codesOf(r))
			}
			rec := ok(roleReg, `{recommendedPostings{totalCount edges{score node{id wageVsAreaMedian areaMedianWage} explanations{component}}}}`)
			for _, ed := range rec["recommendedPostings"].(map[string]any)["edges"].([]any) {
				m := ed.(map[string]any)
				for _, x := range m["explanations"].([]any) {
					if c := x.(map[string]any)["component"]; c == "COMPLIANCE" || c == "HISTORY" {
						t.Fatalf("registrant sees the staff-only component %v", c)
					}
				}
				if id := m["node"].(map[string]any)["id"]; id == fmt.Sprint(e.rows["P2"].id) {
					t.Fatal("a non-public posting was recommended")
				}
			}
			// Weights are per agency, set by admins.
			sw := ok(roleAdmin, `mutation{setMatchingWeights(input:{experience:0.5, history:0}){agency{matchingWeights{experience tasks history}}}}`)
			mw := sw["setMatchingWeights"].(map[string]any)["agency"].(map[string]any)["matchingWeights"].(map[string]any)
			if mw["experience"] != 0.5 || mw["history"] != 0.0 || mw["tasks"] != 0.25 {
				t.Fatalf("weights: %v", mw)
			}
			if r := e.gql(t, roleSales, `mutation{setMatchingWeights(input:{experience:1}){agency{id}}}`); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeForbidden {
				t.Fatalf("a sales rep set weights: %v", codesOf(r))
			}
			ok(roleCoord, fmt.Sprintf(`{matchPostings(registrantId:"%d"){totalCount}}`, e.rows["G1"].id))
			r = e.gql(t, roleReg, `{publicPostings{edges{node{signals{riskLevel}}}}}`)
			if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeBadUserInput {
				t.Fatalf("risk signals on the public type: %v", codesOf(r))
			}
		})
	}
}
