package server_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestWriteScopeFindings replays the cross-tenant and cross-scope writes found by the black-box
// probe (issue 13), each as the attacker sent it: every one must be refused with no row changed, and
// the read the attacker was after must still be impossible.
func TestWriteScopeFindings(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			w := &mutWalk{e: e, ctx: access.System(context.Background(), "test fixture")}
			a, b := func(l string) string { return w.id(l) }, func(l string) string { return strconv.Itoa(e.other[l].id) }
			newPosting := func(extra map[string]any) map[string]any {
				in := map[string]any{"title": "attack", "jobCategory": "一般事務", "hourlyWage": 1500, "prefecture": "東京都",
					"status": "OPEN", "visibility": "PUBLIC", "disclosesClient": true, "orgUnitID": a("UX"), "accountRepID": a("R1")}
				for k, v := range extra {
					in[k] = v
				}
				return in
			}
			const create = `mutation($input: CreatePostingInput!) { createPosting(input: $input) { posting { id } } }`
			const update = `mutation($input: UpdatePostingMutationInput!) { updatePosting(input: $input) { posting { id } } }`
			const updateReg = `mutation($input: UpdateRegistrantMutationInput!) { updateRegistrant(input: $input) { registrant { id } } }`
			cases := []struct {
				name, role, doc string
				input           map[string]any
				want            []string // acceptable codes
			}{
				{"sales rep posts at another agency's org unit", roleSales, create,
					newPosting(map[string]any{"orgUnitID": b("UX")}), []string{"NOT_FOUND"}},
				{"sales rep moves own posting to another agency's org unit", roleSales, update,
					map[string]any{"id": a("P1"), "set": map[string]any{"orgUnitID": b("UX")}}, []string{"NOT_FOUND"}},
				{"posting created with another agency's inquiry", roleSales, create,
					newPosting(map[string]any{"inquiryIDs": []string{b("I1")}}), []string{"BAD_USER_INPUT"}},
				{"admin names another agency's account rep", roleAdmin, create,
					newPosting(map[string]any{"accountRepID": b("R1")}), []string{"NOT_FOUND"}},
				{"sales rep pulls a coordinator's inquiry into own posting", roleSales, update,
					map[string]any{"id": a("P1"), "set": map[string]any{"addInquiryIDs": []string{a("I2")}}}, []string{"BAD_USER_INPUT"}},
				{"coordinator unbinds a registrant's login", roleCoord, updateReg,
					map[string]any{"id": a("G1"), "set": map[string]any{"clearAccount": true}}, []string{"BAD_USER_INPUT"}},
				{"coordinator binds a login to another person's profile", roleCoord, updateReg,
					map[string]any{"id": a("G2"), "set": map[string]any{"accountID": a("acc.reg")}}, []string{"BAD_USER_INPUT"}},
				{"coordinator binds another agency's admin login", roleCoord, updateReg,
					map[string]any{"id": a("G2"), "set": map[string]any{"accountID": b("acc.admin")}}, []string{"BAD_USER_INPUT"}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					before := w.digest(t)
					r := do(t, e.url, e.tokens[c.role], query(c.doc, map[string]any{"input": c.input}))
					if code := errCode(r); !contains(c.want, code) {
						t.Errorf("got code %q (%v), want one of %v", code, r.Errors, c.want)
					}
					if w.digest(t) != before {
						t.Error("refused write changed rows")
					}
				})
			}

			// What the attacks were after stays out of reach.
			if n := e.db.Client.Posting.Query().Where(posting.AgencyID(w.agency()), posting.Title("attack")).CountX(w.ctx); n != 0 {
				t.Errorf("%d attack postings exist", n)
			}
			if got := e.db.Client.Registrant.Query().Where(registrant.AccountID(w.row("acc.reg").id)).OnlyIDX(w.ctx); got != w.row("G1").id {
				t.Errorf("registrant@ login is bound to profile %d, want G1", got)
			}
			r := do(t, e.url, e.tokens[roleSales], query(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": a("I2")}))
			if r.Data["node"] != nil {
				t.Errorf("sales rep reads the coordinator's inquiry: %v", r.Data)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
