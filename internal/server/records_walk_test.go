package server_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/example/staffcrm/ent/dispatchcontact"
	"github.com/example/staffcrm/ent/ledgerlog"
)

// The write walk's decisions for the records' own data (issue 16): dispatch contacts — admins any
// place, sales reps the sites and org units of clients they serve (R1 serves X through P1 at UX);
// ledger logs — staff about registrants they see, edited by their author or an admin; insurance
// enrollment — admins and coordinators, any registrant.
func init() {
	staffRoles := func(role string) bool { return role == roleAdmin || role == roleCoord || role == roleSales }
	mutationSpecs["setDispatchContact"] = mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			unit := map[string]string{roleAdmin: "UY", roleSales: "UX"}[role]
			if unit == "" {
				return nil
			}
			return map[string]any{"role": "SUPERVISOR", "orgUnitId": w.id(unit), "name": "walk", "phone": "03-1111-2222"}
		},
		other:   map[string]string{"orgUnitId": "UX", "siteId": "SX"},
		outside: map[string]map[string]string{"orgUnitId": {roleSales: "UY"}},
	}
	mutationSpecs["removeDispatchContact"] = mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			unit := map[string]string{roleAdmin: "UY", roleSales: "UX"}[role]
			if unit == "" {
				return nil
			}
			return map[string]any{"id": freshContact(w, unit)}
		},
		other: map[string]string{"id": "DC2"},
		// DC1 is the agency's own 派遣元責任者: admins only.
		outside: map[string]map[string]string{"id": {roleSales: "DC1"}},
	}
	mutationSpecs["recordLedgerLog"] = mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			if !staffRoles(role) {
				return nil
			}
			return map[string]any{"kind": "COMPLAINT", "registrantId": w.id("G1"), "assignmentId": w.id("AS1"),
				"occurredOn": "2026-05-01", "content": "walk"}
		},
		other: map[string]string{"registrantId": "G1", "assignmentId": "AS1"},
		outside: map[string]map[string]string{
			"registrantId": {roleSales: "G2"},
			"assignmentId": {roleCoord: "AS2", roleSales: "AS2"},
		},
	}
	mutationSpecs["updateLedgerLog"] = mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			if !staffRoles(role) {
				return nil
			}
			return map[string]any{"id": freshLedgerLog(w, role), "handling": "walk"}
		},
		other: map[string]string{"id": "LL1"},
		// LL1 is the coordinator's (the sales rep sees it, it is not theirs); LL2 nobody's.
		outside: map[string]map[string]string{"id": {roleCoord: "LL2", roleSales: "LL1"}},
	}
	mutationSpecs["recordInsuranceEnrollment"] = mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin && role != roleCoord {
				return nil
			}
			return map[string]any{"registrantId": w.id("G2"), "health": true}
		},
		other: map[string]string{"registrantId": "G1"},
	}
}

// freshContact is a new 指揮命令者 of the org unit labelled unit.
func freshContact(w *mutWalk, unit string) string {
	id := w.row(unit).id
	w.n++
	c := w.c().DispatchContact.Create().SetAgencyID(w.agency()).SetRole(dispatchcontact.RoleSUPERVISOR).
		SetScopeKey(fmt.Sprintf("walk:%d:%d", id, w.n)).SetOrgUnitID(id).SetName("walk").SetPhone("03-1111-2222").SaveX(w.ctx)
	return strconv.Itoa(c.ID)
}

// freshLedgerLog is a new complaint about G1 recorded by role's account.
func freshLedgerLog(w *mutWalk, role string) string {
	l := w.c().LedgerLog.Create().SetAgencyID(w.agency()).SetKind(ledgerlog.KindCOMPLAINT).SetRegistrantID(w.row("G1").id).
		SetOccurredOn(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)).SetContent("walk").
		SetRecordedByID(w.e.viewers[role].AccountID).SaveX(w.ctx)
	return strconv.Itoa(l.ID)
}
