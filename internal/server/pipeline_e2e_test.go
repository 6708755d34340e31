package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestPipelineOverHTTP: the pipeline and callbacks through GraphQL, with their error codes.
func TestPipelineOverHTTP(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			a1, g1, p1, p3 := e.rows["A1"].id, e.rows["G1"].id, e.rows["P1"].id, e.rows["P3"].id
			ok := func(role, q string) map[string]any {
				t.Helper()
				r := e.gql(t, role, q)
				if len(r.Errors) > 0 {
					t.Fatalf("%s: %v %q", q, codesOf(r), r.Errors[0].Message)
				}
				return r.Data
			}
			fails := func(role, q, code string) gqlResponse {
				t.Helper()
				r := e.gql(t, role, q)
				if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != code {
					t.Fatalf("%s: want %s, got %v", q, code, codesOf(r))
				}
				return r
			}
			ok(roleSales, fmt.Sprintf(`mutation{advanceApplication(input:{applicationId:"%d",to:SCREENING_PASSED}){application{status}}}`, a1))
			fails(roleSales, fmt.Sprintf(`mutation{advanceApplication(input:{applicationId:"%d",to:PLACED,startDate:"2027-01-04",endDate:"2027-06-30"}){application{status}}}`, a1), graph.CodeInvalidTransition)
			r := fails(roleSales, fmt.Sprintf(`mutation{advanceApplication(input:{applicationId:"%d",to:OFFERED,startDate:"2027-01-04",endDate:"2027-01-20"}){application{status}}}`, a1), graph.CodeComplianceViolation)
			if rules := fmt.Sprint(r.Errors[0].Extensions["rules"]); !strings.Contains(rules, "DAY_LABOUR") {
				t.Fatalf("rules: %v", rules)
			}
			d := ok(roleSales, fmt.Sprintf(`mutation{advanceApplication(input:{applicationId:"%d",to:OFFERED,startDate:"2027-01-04",endDate:"2027-06-30"}){application{status} warnings{rule}}}`, a1))
			if d["advanceApplication"].(map[string]any)["application"].(map[string]any)["status"] != "OFFERED" {
				t.Fatalf("offer: %v", d)
			}
			// The registrant sees the simplified status, and declines.
			mine := ok(roleReg, `{myApplications{id status}}`)["myApplications"].([]any)
			if mine[0].(map[string]any)["status"] != "OFFERED" {
				t.Fatalf("registrant view: %v", mine)
			}
			ok(roleReg, fmt.Sprintf(`mutation{declineOffer(input:{id:"%d"}){application{status}}}`, a1))
			// Apply and withdraw, idempotently.
			ap := ok(roleReg, fmt.Sprintf(`mutation{apply(input:{postingId:"%d",idempotencyKey:"k1"}){application{id status}}}`, p3))
			again := ok(roleReg, fmt.Sprintf(`mutation{apply(input:{postingId:"%d",idempotencyKey:"k1"}){application{id}}}`, p3))
			id := ap["apply"].(map[string]any)["application"].(map[string]any)["id"]
			if again["apply"].(map[string]any)["application"].(map[string]any)["id"] != id {
				t.Fatal("idempotent apply created a second application")
			}
			fails(roleReg, fmt.Sprintf(`mutation{apply(input:{postingId:"%d"}){application{id}}}`, p3), graph.CodeConflict)
			fails(roleReg, fmt.Sprintf(`mutation{apply(input:{postingId:"%d"}){application{id}}}`, e.rows["P2"].id), graph.CodeNotFound)
			ok(roleReg, fmt.Sprintf(`mutation{withdrawApplication(input:{id:"%s"}){application{status}}}`, id))
			fails(roleReg, fmt.Sprintf(`mutation{advanceApplication(input:{applicationId:"%s",to:SCREENING}){application{status}}}`, id), graph.CodeForbidden)
			// Compliance check and the anonymous skill sheet.
			cc := ok(roleCoord, fmt.Sprintf(`{complianceCheck(registrantId:"%d",postingId:"%d",start:"2027-01-04",end:"2030-06-30"){ok findings{rule severity}}}`, g1, p1))
			if cc["complianceCheck"].(map[string]any)["ok"] != false {
				t.Fatalf("a contract past the conflict date must not pass: %v", cc)
			}
			sheet := fmt.Sprint(ok(roleSales, fmt.Sprintf(`{skillSheet(applicationId:"%d"){skills{skill level} history{jobCategory durationMonths}}}`, a1)))
			if strings.Contains(sheet, "G1") || strings.Contains(sheet, "1990") {
				t.Fatalf("skill sheet leaks personal data: %s", sheet)
			}
			fails(roleSales, `{skillSheet(applicationId:"1"){skills{skill}}}`, graph.CodeNotFound)
			// Callbacks: a missed inbound call becomes my callback.
			lc := ok(roleCoord, fmt.Sprintf(`mutation{logContact(input:{registrantId:"%d",channel:PHONE,direction:INBOUND,outcome:NO_ANSWER,note:"折返し希望"}){contactLog{id callbackDueAt}}}`, g1))
			log := lc["logContact"].(map[string]any)["contactLog"].(map[string]any)
			if log["callbackDueAt"] == nil {
				t.Fatalf("no callback scheduled: %v", log)
			}
			due := ok(roleCoord, `{myCallbacksDue{id}}`)["myCallbacksDue"].([]any)
			if len(due) == 0 || due[len(due)-1].(map[string]any)["id"] != log["id"] {
				t.Fatalf("callbacks due: %v", due)
			}
			ok(roleCoord, fmt.Sprintf(`mutation{completeCallback(input:{id:"%s"}){contactLog{callbackDone}}}`, log["id"]))
			fails(roleSales, fmt.Sprintf(`mutation{completeCallback(input:{id:"%s"}){contactLog{id}}}`, log["id"]), graph.CodeNotFound)
			// Insurance continuity is visible to the registrant and to staff.
			ins := ok(roleReg, `{myProfile{insurance{applies deadline atRisk}}}`)
			if ins["myProfile"].(map[string]any)["insurance"].(map[string]any)["applies"] != true {
				t.Fatalf("insurance: %v", ins)
			}
			ok(roleCoord, `{registrantsAtInsuranceRisk{id}}`)
		})
	}
}
