package server_test

import (
	"fmt"
	"strconv"

	"github.com/example/staffcrm/ent/account"
)

// The write walk's decisions for the master-data mutations (issue 15 items 2–4): which rows each
// role may name in them. Admins manage staff; admins edit every client, site and org unit, sales
// reps those of the clients they serve (R1 serves X through its posting P1 at UX, not Y);
// coordinators and registrants edit none.
func init() {
	admins := func(in func(w *mutWalk) map[string]any) func(w *mutWalk, role string) map[string]any {
		return func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin {
				return nil
			}
			return in(w)
		}
	}
	adminOrRep := func(in func(w *mutWalk) map[string]any) func(w *mutWalk, role string) map[string]any {
		return func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin && role != roleSales {
				return nil
			}
			return in(w)
		}
	}
	mutationSpecs["disableStaff"] = mutationSpec{
		input: admins(func(w *mutWalk) map[string]any { return map[string]any{"accountId": freshStaffAccount(w, false)} }),
		other: map[string]string{"accountId": "acc.coord"},
	}
	mutationSpecs["enableStaff"] = mutationSpec{
		input: admins(func(w *mutWalk) map[string]any { return map[string]any{"accountId": freshStaffAccount(w, true)} }),
		other: map[string]string{"accountId": "acc.coord"},
	}
	mutationSpecs["sendSetPasswordLink"] = mutationSpec{
		input: admins(func(w *mutWalk) map[string]any { return map[string]any{"accountId": freshStaffAccount(w, false)} }),
		other: map[string]string{"accountId": "acc.coord"},
	}
	mutationSpecs["updateStaff"] = mutationSpec{
		input: admins(func(w *mutWalk) map[string]any { return map[string]any{"id": w.id("C2"), "capacity": 7} }),
		other: map[string]string{"id": "C1"},
	}
	mutationSpecs["createClient"] = mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			switch role {
			case roleAdmin:
				return map[string]any{"name": "walk client", "industry": "製造業", "serviceRepId": w.id("R3")}
			case roleSales: // a rep's client is served by the rep; naming another rep is refused
				return map[string]any{"name": "walk client", "industry": "製造業"}
			}
			return nil
		},
		other: map[string]string{"serviceRepId": "R3"},
	}
	mutationSpecs["updateClient"] = mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			switch role {
			case roleAdmin:
				return map[string]any{"id": w.id("Y"), "name": "walk", "serviceRepId": w.id("R3")}
			case roleSales: // only admins hand a client to another service rep
				return map[string]any{"id": w.id("X"), "name": "walk"}
			}
			return nil
		},
		other:   map[string]string{"id": "X", "serviceRepId": "R3"},
		outside: map[string]map[string]string{"id": {roleSales: "Y"}},
	}
	mutationSpecs["createClientSite"] = mutationSpec{
		input: adminOrRep(func(w *mutWalk) map[string]any {
			return map[string]any{"clientId": w.id("X"), "name": "walk site", "address": "東京都港区2-2", "prefecture": "東京都"}
		}),
		other:   map[string]string{"clientId": "X"},
		outside: map[string]map[string]string{"clientId": {roleSales: "Y"}},
	}
	mutationSpecs["updateClientSite"] = mutationSpec{
		input: adminOrRep(func(w *mutWalk) map[string]any {
			return map[string]any{"id": w.id("SX"), "address": "東京都港区3-3"}
		}),
		other:   map[string]string{"id": "SX"},
		outside: map[string]map[string]string{"id": {roleSales: "SY"}},
	}
	mutationSpecs["recordConflictDateNotice"] = mutationSpec{
		input: adminOrRep(func(w *mutWalk) map[string]any {
			return map[string]any{"siteId": w.id("SX"), "conflictDate": "2029-04-01", "notifiedOn": "2026-01-10"}
		}),
		other:   map[string]string{"siteId": "SX"},
		outside: map[string]map[string]string{"siteId": {roleSales: "SY"}},
	}
	mutationSpecs["createOrgUnit"] = mutationSpec{
		input:   adminOrRep(func(w *mutWalk) map[string]any { return map[string]any{"siteId": w.id("SX"), "name": "walk unit"} }),
		other:   map[string]string{"siteId": "SX"},
		outside: map[string]map[string]string{"siteId": {roleSales: "SY"}},
	}
	mutationSpecs["updateOrgUnit"] = mutationSpec{
		input:   adminOrRep(func(w *mutWalk) map[string]any { return map[string]any{"id": w.id("UX"), "name": "walk unit"} }),
		other:   map[string]string{"id": "UX"},
		outside: map[string]map[string]string{"id": {roleSales: "UY"}},
	}
}

// freshStaffAccount: a new coordinator account of agency A with its profile, disabled if asked.
func freshStaffAccount(w *mutWalk, disabled bool) string {
	w.n++
	a := w.c().Account.Create().SetAgencyID(w.agency()).SetEmail(fmt.Sprintf("walk-staff-%d@a.example", w.n)).
		SetPasswordHash("x").SetRole(account.RoleCOORDINATOR).SetDisabled(disabled).SaveX(w.ctx)
	w.c().Coordinator.Create().SetAgencyID(w.agency()).SetAccountID(a.ID).SetName(fmt.Sprintf("walk %d", w.n)).SaveX(w.ctx)
	return strconv.Itoa(a.ID)
}
