package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestRegistrantCannotLearn: nothing a registrant can send reveals a non-public posting's existence,
// another registrant, or a confidential posting field — by id, by filter, by ordering or by counts.
func TestRegistrantCannotLearn(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			p2, g2 := e.rows["P2"].id, e.rows["G2"].id
			missing := e.gql(t, roleReg, `{node(id:"51539607551"){id}}`)
			for _, tc := range []struct {
				name, q  string
				wantCode string // "" = no error expected
				check    func(t *testing.T, r gqlResponse)
			}{
				{"non-public posting by id looks like a missing row", fmt.Sprintf(`{node(id:"%d"){id}}`, p2), graph.CodeNotFound,
					func(t *testing.T, r gqlResponse) {
						if r.Errors[0].Message != missing.Errors[0].Message || fmt.Sprint(r.Errors[0].Extensions) != fmt.Sprint(missing.Errors[0].Extensions) {
							t.Fatalf("hidden %v vs missing %v", r.Errors[0], missing.Errors[0])
						}
					}},
				{"nodes batch", fmt.Sprintf(`{nodes(ids:["%d","%d"]){id}}`, e.rows["P1"].id, p2), graph.CodeNotFound, nil},
				{"another registrant by id", fmt.Sprintf(`{node(id:"%d"){id}}`, g2), graph.CodeNotFound, nil},
				{"feed filtered by the hidden title", `{publicPostings(where:{titleContains:"Posting P2"}){totalCount edges{node{id}}}}`, "",
					func(t *testing.T, r gqlResponse) {
						if c := r.Data["publicPostings"].(map[string]any)["totalCount"]; c != float64(0) {
							t.Fatalf("feed filter found %v rows", c)
						}
					}},
				{"feed counts only what it shows", `{publicPostings{totalCount}}`, "",
					func(t *testing.T, r gqlResponse) {
						if c := r.Data["publicPostings"].(map[string]any)["totalCount"]; c != float64(2) {
							t.Fatalf("feed totalCount = %v, want 2 (P1, P3)", c)
						}
					}},
				{"staff list of postings", `{postings{totalCount}}`, graph.CodeForbidden, nil},
				{"staff list filtered by a confidential field", `{postings(where:{billRateGT:1}){totalCount}}`, graph.CodeBadUserInput, nil},
				{"feed filtered by a confidential field", `{publicPostings(where:{billRateGT:1}){totalCount}}`, graph.CodeBadUserInput, nil},
				{"feed ordered by a confidential field", `{publicPostings(orderBy:{field:BILL_RATE}){totalCount}}`, graph.CodeBadUserInput, nil},
				{"confidential field on the public type", `{publicPostings{edges{node{hiringReason}}}}`, graph.CodeBadUserInput, nil},
				{"registrants list", `{registrants{totalCount}}`, graph.CodeForbidden, nil},
				{"applications list", `{applications{totalCount}}`, graph.CodeForbidden, nil},
				{"own profile through the staff type", `{viewer{registrant{phone birthDate}}}`, graph.CodeForbidden, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := e.gql(t, roleReg, tc.q)
					switch {
					case tc.wantCode == "" && len(r.Errors) > 0:
						t.Fatalf("unexpected errors %v", codesOf(r))
					case tc.wantCode != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tc.wantCode):
						t.Fatalf("want %s, got %v data=%v", tc.wantCode, codesOf(r), r.Data)
					}
					if tc.check != nil {
						tc.check(t, r)
					}
					raw := fmt.Sprint(r.Data)
					for _, secret := range []string{"増員", "経理課", "静か", "担当 山田", "2100", "G2", "Posting P2"} {
						if strings.Contains(raw, secret) {
							t.Fatalf("response leaks %q: %s", secret, raw)
						}
					}
				})
			}
		})
	}
}

// TestRoleMutations: writes obey the same scopes; server-set fields come from the viewer.
func TestRoleMutations(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			p1, p2, ux := e.rows["P1"].id, e.rows["P2"].id, e.rows["UX"].id
			r2, g1, g2 := e.rows["R2"].id, e.rows["G1"].id, e.rows["G2"].id
			otherP := e.other["P1"].id
			for _, tc := range []struct {
				name, role, q, wantCode string
				check                   func(t *testing.T, r gqlResponse)
			}{
				{"rep edits own posting", roleSales, fmt.Sprintf(`mutation{updatePosting(input:{id:"%d",set:{title:"新タイトル"}}){posting{title}}}`, p1), "", nil},
				{"rep cannot edit another rep's posting", roleSales, fmt.Sprintf(`mutation{updatePosting(input:{id:"%d",set:{title:"x"}}){posting{title}}}`, p2), graph.CodeNotFound, nil},
				{"rep cannot edit another agency's posting", roleSales, fmt.Sprintf(`mutation{updatePosting(input:{id:"%d",set:{title:"x"}}){posting{title}}}`, otherP), graph.CodeNotFound, nil},
				{"rep creates a posting as themself whatever the input says", roleSales,
					fmt.Sprintf(`mutation{createPosting(input:{orgUnitID:"%d",accountRepID:"%d",title:"新規",jobCategory:"一般事務",hourlyWage:1400,prefecture:"東京都"}){posting{accountRep{name} billRate}}}`, ux, r2), "",
					func(t *testing.T, r gqlResponse) {
						got := r.Data["createPosting"].(map[string]any)["posting"].(map[string]any)["accountRep"].(map[string]any)["name"]
						if got != "R1" {
							t.Fatalf("account rep = %v, want the viewer R1", got)
						}
					}},
				{"coordinator cannot create postings", roleCoord,
					fmt.Sprintf(`mutation{createPosting(input:{orgUnitID:"%d",accountRepID:"%d",title:"x",jobCategory:"x",hourlyWage:1400,prefecture:"東京都"}){posting{id}}}`, ux, r2), graph.CodeForbidden, nil},
				{"registrant cannot create postings", roleReg,
					fmt.Sprintf(`mutation{createPosting(input:{orgUnitID:"%d",accountRepID:"%d",title:"x",jobCategory:"x",hourlyWage:1400,prefecture:"東京都"}){posting{id}}}`, ux, r2), graph.CodeForbidden, nil},
				{"coordinator edits a registrant", roleCoord, fmt.Sprintf(`mutation{updateRegistrant(input:{id:"%d",set:{city:"港区"}}){registrant{city}}}`, g2), "", nil},
				{"rep cannot edit registrants", roleSales, fmt.Sprintf(`mutation{updateRegistrant(input:{id:"%d",set:{city:"x"}}){registrant{city}}}`, g1), graph.CodeForbidden, nil},
				{"registrant edits own profile", roleReg, `mutation{updateMyProfile(input:{city:"渋谷区",desiredJobCategories:["経理事務"]}){profile{id city desiredJobCategories}}}`, "",
					func(t *testing.T, r gqlResponse) {
						p := r.Data["updateMyProfile"].(map[string]any)["profile"].(map[string]any)
						if p["city"] != "渋谷区" || p["id"] != fmt.Sprint(g1) {
							t.Fatalf("profile = %v", p)
						}
					}},
				{"registrant cannot edit another registrant", roleReg, fmt.Sprintf(`mutation{updateRegistrant(input:{id:"%d",set:{city:"x"}}){registrant{city}}}`, g2), graph.CodeForbidden, nil},
				{"invalid prefecture", roleReg, `mutation{updateMyProfile(input:{prefecture:"Tokyo"}){profile{id}}}`, graph.CodeBadUserInput, nil},
				{"anonymous", roleAnon, `mutation{updateMyProfile(input:{city:"x"}){profile{id}}}`, graph.CodeUnauthenticated, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					r := e.gql(t, tc.role, tc.q)
					switch {
					case tc.wantCode == "" && len(r.Errors) > 0:
						t.Fatalf("unexpected errors %v", codesOf(r))
					case tc.wantCode != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tc.wantCode):
						t.Fatalf("want %s, got %v data=%v", tc.wantCode, codesOf(r), r.Data)
					}
					if tc.check != nil {
						tc.check(t, r)
					}
				})
			}
		})
	}
}

// TestAuditSensitiveReads: reading birth dates and bill rates leaves an audit row that admins can list.
func TestAuditSensitiveReads(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			count := func() int {
				r := e.gql(t, roleAdmin, `{auditEvents(first:100){totalCount}}`)
				return int(r.Data["auditEvents"].(map[string]any)["totalCount"].(float64))
			}
			before := count()
			// A read that is refused, or does not touch sensitive fields, leaves no trace.
			e.gql(t, roleCoord, fmt.Sprintf(`{node(id:"%d"){... on Registrant{name birthDate}}}`, e.rows["G1"].id))
			e.gql(t, roleSales, fmt.Sprintf(`{node(id:"%d"){... on Posting{title billRate}}}`, e.rows["P2"].id))
			if got := count(); got != before {
				t.Fatalf("refused reads were audited: %d → %d", before, got)
			}
			e.gql(t, roleAdmin, fmt.Sprintf(`{node(id:"%d"){... on Registrant{birthDate education}}}`, e.rows["G1"].id))
			e.gql(t, roleSales, fmt.Sprintf(`{node(id:"%d"){... on Posting{billRate}}}`, e.rows["P1"].id))
			r := e.gql(t, roleAdmin, `{auditEvents(first:100, orderBy:{field:AT, direction:DESC}){edges{node{action entityType entityID fields actor{email}}}}}`)
			edges := r.Data["auditEvents"].(map[string]any)["edges"].([]any)
			want := map[string]bool{
				fmt.Sprintf("Registrant/%d/[birthDate education]/admin@a.example", e.rows["G1"].id): false,
				fmt.Sprintf("Posting/%d/[billRate]/sales@a.example", e.rows["P1"].id):               false,
			}
			for _, ed := range edges {
				n := ed.(map[string]any)["node"].(map[string]any)
				actor, _ := n["actor"].(map[string]any)
				key := fmt.Sprintf("%v/%.0f/%v/%v", n["entityType"], n["entityID"], n["fields"], actor["email"])
				if _, ok := want[key]; ok {
					want[key] = true
				}
			}
			for k, seen := range want {
				if !seen {
					t.Errorf("no audit event %s among %v", k, edges)
				}
			}
		})
	}
}
