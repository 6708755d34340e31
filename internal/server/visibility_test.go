package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/dispatchcontact"
	"github.com/example/staffcrm/ent/importjob"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/ledgerlog"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/routingdecision"
	"github.com/example/staffcrm/ent/salesrep"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk/report"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
)

// The schema walk: every object type and field of the SDL, for each role and an anonymous caller,
// reached directly (top-level lists), by node(id:) and nested through every edge, compared with
// (1) rowsVisibleTo below — which fixture rows each role may see at all, written from DESIGN §4 — and
// (2) the declared field table of internal/access, which must have a decision for every field.
// Rows of a second agency must be invisible to everyone by every path.

const (
	roleAnon  = "anon"
	roleAdmin = "admin"
	roleCoord = "coord"
	roleSales = "sales"
	roleReg   = "reg"
)

var walkRoles = []string{roleAnon, roleAdmin, roleCoord, roleSales, roleReg}

// rowsVisibleTo: fixture label → roles that may see the row (§4). The coordinator is C1, the sales rep
// R1 (account rep of P1), the registrant G1. Anonymous callers see nothing.
var rowsVisibleTo = map[string]string{
	"agency": "admin coord sales reg",
	"WE":     "admin", "WD": "admin",
	"IJ":        "admin coord", // an import the coordinator started (admins read the agency's)
	"acc.admin": "admin", "acc.coord": "admin coord", "acc.sales": "admin sales", "acc.sales2": "admin",
	"acc.reg": "admin reg", "acc.reg2": "admin",
	"C1": "admin coord sales", "C2": "admin coord sales",
	"R1": "admin coord sales", "R2": "admin coord sales", "R3": "admin coord sales",
	"X": "admin coord sales", "Y": "admin coord sales",
	"SX": "admin coord sales", "SY": "admin coord sales",
	"UX": "admin coord sales", "UY": "admin coord sales",
	"P1": "admin coord sales reg", // public, open
	"P2": "admin coord sales",     // non-public, not introduced to G1
	"P3": "admin coord sales reg", // public, open, another rep's
	"G1": "admin coord sales reg", // applied to R1's posting; handled by C1
	"G2": "admin coord",
	"K1": "admin coord sales",     // registrants see skills inside myProfile only
	"W1": "admin coord sales reg", // her own entry, as MyWorkHistory (the app edits it by id)
	"W2": "admin coord",           // G2's, whom the sales rep does not work with
	"A1": "admin coord sales reg", "A2": "admin",
	"E1": "admin coord sales", "E2": "admin",
	"I1": "admin coord sales reg", "I2": "admin",
	"D1": "admin coord", "D2": "admin",
	"AS1": "admin coord sales reg", "AS2": "admin",
	"L1": "admin coord reg", "L2": "admin coord",
	"AE1": "admin",
	"DC1": "admin coord sales", "DC2": "admin coord sales", // the agency's 派遣元責任者, UX's 指揮命令者
	"LL1": "admin coord sales", // a complaint about G1, whom the sales rep works with
	"LL2": "admin coord",       // a training entry of G2's
}

// registrantType is the registrant-facing type node(id:) answers with for a row a registrant sees.
var registrantType = map[string]string{
	"Posting": "PublicPosting", "Application": "MyApplication", "Inquiry": "MyInquiry",
	"Assignment": "MyAssignment", "Registrant": "MyProfile", "ContactLog": "MyContactLog",
	"Account": "Account", "Agency": "Agency", "WorkHistory": "MyWorkHistory",
}

type fixRow struct {
	label, typ string
	id         int
	obj        any
}

type walkEnv struct {
	url     string
	schema  *ast.Schema
	rows    map[string]fixRow // agency A
	other   map[string]fixRow // agency B, same labels
	byID    map[int]fixRow
	tokens  map[string]string
	viewers map[string]*auth.Viewer
	db      *database.DB
}

func TestVisibilityWalk(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			t.Run("every field has a decision", e.checkDeclared)
			t.Run("no filter or order on a field some reader may not see", e.checkWhereOrder)
			for _, role := range walkRoles {
				t.Run(role, func(t *testing.T) {
					t.Run("node", func(t *testing.T) { e.walkNodes(t, role) })
					t.Run("lists", func(t *testing.T) { e.walkLists(t, role) })
					t.Run("edges", func(t *testing.T) { e.walkEdges(t, role) })
					t.Run("other agency", func(t *testing.T) { e.walkOtherAgency(t, role) })
				})
			}
		})
	}
}

func newWalkEnv(t *testing.T, kind dbtest.Kind) *walkEnv {
	t.Helper()
	db := dbtest.Open(t, kind)
	secret, _ := auth.RandomSecret()
	tokens, err := auth.NewHMACTokens(secret, auth.TokenConfig{Issuer: "staffcrm", Audience: "staffcrm-api"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := access.System(context.Background(), "test fixture")
	rowsA, viewers := buildAgency(t, ctx, db.Client, "a")
	rowsB, _ := buildAgency(t, ctx, db.Client, "b")
	e := &walkEnv{rows: rowsA, other: rowsB, byID: map[int]fixRow{}, tokens: map[string]string{}, viewers: viewers, db: db}
	for _, r := range rowsA {
		e.byID[r.id] = r
	}
	for role, v := range viewers {
		tok, _, err := tokens.Issue(*v)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	resolver := &graph.Resolver{Client: db.Client, Sessions: session.New(db.Client, tokens, 0),
		Router: routing.NewRouter(db.Client, kind == dbtest.Postgres, nil), Pipeline: &pipeline.Service{Client: db.Client}}
	e.schema = graph.NewSchema(resolver).Schema()
	srv := httptest.NewServer(server.Handler(server.Options{
		Resolver: resolver, Tokens: tokens, Ready: db.Ready,
		Log: slog.New(slog.NewJSONHandler(testLogOut, nil)), Development: true,
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// buildAgency creates one agency with a row for every entity, in the shapes rowsVisibleTo describes.
func buildAgency(t *testing.T, ctx context.Context, c *ent.Client, slug string) (map[string]fixRow, map[string]*auth.Viewer) {
	t.Helper()
	rows := map[string]fixRow{}
	add := func(label, typ string, id int, obj any) {
		rows[label] = fixRow{label: label, typ: typ, id: id, obj: obj}
	}
	ag := c.Agency.Create().SetName("Agency " + slug).SetSlug(slug).SaveX(ctx)
	add("agency", "Agency", ag.ID, ag)
	acc := func(label string, role account.Role) *ent.Account {
		a := c.Account.Create().SetAgencyID(ag.ID).SetEmail(label + "@" + slug + ".example").SetPasswordHash("x").SetRole(role).SaveX(ctx)
		add("acc."+label, "Account", a.ID, a)
		return a
	}
	admin, coord, sales, sales2 := acc("admin", account.RoleADMIN), acc("coord", account.RoleCOORDINATOR), acc("sales", account.RoleSALES_REP), acc("sales2", account.RoleSALES_REP)
	reg, reg2 := acc("reg", account.RoleREGISTRANT), acc("reg2", account.RoleREGISTRANT)

	c1 := c.Coordinator.Create().SetAgencyID(ag.ID).SetName("C1").SetAccountID(coord.ID).SaveX(ctx)
	c2 := c.Coordinator.Create().SetAgencyID(ag.ID).SetName("C2").SaveX(ctx)
	add("C1", "Coordinator", c1.ID, c1)
	add("C2", "Coordinator", c2.ID, c2)
	rep := func(label string, kind salesrep.Kind, accID *int) *ent.SalesRep {
		r := c.SalesRep.Create().SetAgencyID(ag.ID).SetName(label).SetKind(kind).SetNillableAccountID(accID).SaveX(ctx)
		add(label, "SalesRep", r.ID, r)
		return r
	}
	r1, r2, r3 := rep("R1", salesrep.KindACCOUNT, &sales.ID), rep("R2", salesrep.KindACCOUNT, &sales2.ID), rep("R3", salesrep.KindSERVICE, nil)

	notice := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	conflict := time.Date(2029, 4, 1, 0, 0, 0, 0, time.UTC)
	unit := func(client, site, u string) *ent.OrgUnit {
		cl := c.ClientCompany.Create().SetAgencyID(ag.ID).SetName("Client " + client).SetIndustry("製造業").SetServiceRepID(r3.ID).SaveX(ctx)
		add(client, "ClientCompany", cl.ID, cl)
		st := c.ClientSite.Create().SetAgencyID(ag.ID).SetClientID(cl.ID).SetName(site).SetAddress("東京都港区1-1").
			SetPrefecture("東京都").SetConflictDate(conflict).SetConflictDateNotifiedAt(notice).SaveX(ctx)
		add(site, "ClientSite", st.ID, st)
		ou := c.OrgUnit.Create().SetAgencyID(ag.ID).SetSiteID(st.ID).SetName(u).SaveX(ctx)
		add(u, "OrgUnit", ou.ID, ou)
		return ou
	}
	ux, uy := unit("X", "SX", "UX"), unit("Y", "SY", "UY")
	post := func(label string, ou *ent.OrgUnit, r *ent.SalesRep, vis posting.Visibility) *ent.Posting {
		p := c.Posting.Create().SetAgencyID(ag.ID).SetOrgUnitID(ou.ID).SetAccountRepID(r.ID).SetTitle("Posting " + label).
			SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").SetVisibility(vis).SetStatus(posting.StatusOPEN).
			SetBillRate(2100).SetHiringReason("増員").SetDepartmentDetails("経理課").SetAtmosphereNotes("静か").
			SetPredecessorTenureMonths(2).SetClientContact("担当 山田").SaveX(ctx)
		add(label, "Posting", p.ID, p)
		return p
	}
	p1 := post("P1", ux, r1, posting.VisibilityPUBLIC)
	p2 := post("P2", uy, r2, posting.VisibilityNON_PUBLIC)
	post("P3", uy, r2, posting.VisibilityPUBLIC)

	birth := time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC)
	g1 := c.Registrant.Create().SetAgencyID(ag.ID).SetAccountID(reg.ID).SetName("G1").SetPrefecture("東京都").
		SetPhone("090-0000-0001").SetEmail("g1@example.jp").SetBirthDate(birth).SetEducation("大学卒").SaveX(ctx)
	g2 := c.Registrant.Create().SetAgencyID(ag.ID).SetAccountID(reg2.ID).SetName("G2").SetPrefecture("東京都").
		SetPhone("090-0000-0002").SetBirthDate(birth).SaveX(ctx)
	add("G1", "Registrant", g1.ID, g1)
	add("G2", "Registrant", g2.ID, g2)
	k1 := c.Skill.Create().SetAgencyID(ag.ID).SetRegistrantID(g1.ID).SetName("Excel").SaveX(ctx)
	add("K1", "Skill", k1.ID, k1)
	w1 := c.WorkHistory.Create().SetAgencyID(ag.ID).SetRegistrantID(g1.ID).SetCompany("前職").SetJobCategory("一般事務").
		SetStartDate(birth.AddDate(25, 0, 0)).SetKind(workhistory.KindDISPATCHED).SaveX(ctx)
	add("W1", "WorkHistory", w1.ID, w1)
	w2 := c.WorkHistory.Create().SetAgencyID(ag.ID).SetRegistrantID(g2.ID).SetCompany("前々職").SetJobCategory("受付").
		SetStartDate(birth.AddDate(23, 0, 0)).SetKind(workhistory.KindDIRECT_EMPLOYMENT).SaveX(ctx)
	add("W2", "WorkHistory", w2.ID, w2)

	a1 := c.Application.Create().SetAgencyID(ag.ID).SetRegistrantID(g1.ID).SetPostingID(p1.ID).
		SetStatus(application.StatusSCREENING).SetInternalNotes("良い").SaveX(ctx)
	a2 := c.Application.Create().SetAgencyID(ag.ID).SetRegistrantID(g2.ID).SetPostingID(p2.ID).
		SetStatus(application.StatusSCREENING_REJECTED).SetRejectionReason("経験不足").SaveX(ctx)
	add("A1", "Application", a1.ID, a1)
	add("A2", "Application", a2.ID, a2)
	e1 := c.ApplicationEvent.Create().SetAgencyID(ag.ID).SetApplicationID(a1.ID).SetToStatus("SCREENING").SetActorID(coord.ID).SaveX(ctx)
	e2 := c.ApplicationEvent.Create().SetAgencyID(ag.ID).SetApplicationID(a2.ID).SetToStatus("SCREENING_REJECTED").SaveX(ctx)
	add("E1", "ApplicationEvent", e1.ID, e1)
	add("E2", "ApplicationEvent", e2.ID, e2)

	i1 := c.Inquiry.Create().SetAgencyID(ag.ID).SetRegistrantID(g1.ID).SetPostingID(p1.ID).SetKind(inquiry.KindPOSTING_QUESTION).
		SetStatus(inquiry.StatusASSIGNED).SetCoordinatorID(c1.ID).SaveX(ctx)
	i2 := c.Inquiry.Create().SetAgencyID(ag.ID).SetRegistrantID(g2.ID).SetPostingID(p2.ID).SetKind(inquiry.KindAPPLICATION_INTENT).
		SetStatus(inquiry.StatusASSIGNED).SetSalesRepID(r2.ID).SaveX(ctx)
	add("I1", "Inquiry", i1.ID, i1)
	add("I2", "Inquiry", i2.ID, i2)
	d1 := c.RoutingDecision.Create().SetAgencyID(ag.ID).SetInquiryID(i1.ID).SetAction(routingdecision.ActionASSIGN).
		SetChosenCoordinatorID(c1.ID).SetReason("r").SaveX(ctx)
	d2 := c.RoutingDecision.Create().SetAgencyID(ag.ID).SetInquiryID(i2.ID).SetAction(routingdecision.ActionASSIGN).
		SetChosenSalesRepID(r2.ID).SetReason("r").SaveX(ctx)
	add("D1", "RoutingDecision", d1.ID, d1)
	add("D2", "RoutingDecision", d2.ID, d2)

	start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	as1 := c.Assignment.Create().SetAgencyID(ag.ID).SetRegistrantID(g1.ID).SetPostingID(p1.ID).SetOrgUnitID(ux.ID).
		SetApplicationID(a1.ID).SetStartDate(start).SetEndDate(start.AddDate(0, 6, -1)).SetHourlyWage(1500).SetBillRate(2100).SaveX(ctx)
	as2 := c.Assignment.Create().SetAgencyID(ag.ID).SetRegistrantID(g2.ID).SetPostingID(p2.ID).SetOrgUnitID(uy.ID).
		SetStartDate(start).SetEndDate(start.AddDate(0, 6, -1)).SetHourlyWage(1500).SetBillRate(2100).SaveX(ctx)
	add("AS1", "Assignment", as1.ID, as1)
	add("AS2", "Assignment", as2.ID, as2)

	l1 := c.ContactLog.Create().SetAgencyID(ag.ID).SetRegistrantID(g1.ID).SetStaffID(coord.ID).SetChannel(contactlog.ChannelPHONE).
		SetDirection(contactlog.DirectionINBOUND).SetOutcome(contactlog.OutcomeNO_ANSWER).SetNote("内部メモ").SaveX(ctx)
	l2 := c.ContactLog.Create().SetAgencyID(ag.ID).SetRegistrantID(g2.ID).SetStaffID(sales2.ID).SetChannel(contactlog.ChannelPHONE).
		SetDirection(contactlog.DirectionOUTBOUND).SetOutcome(contactlog.OutcomeREACHED).SaveX(ctx)
	add("L1", "ContactLog", l1.ID, l1)
	add("L2", "ContactLog", l2.ID, l2)
	ae := c.AuditEvent.Create().SetAgencyID(ag.ID).SetActorID(admin.ID).SetAction(auditevent.ActionREAD).
		SetEntityType("Registrant").SetEntityID(g1.ID).SetFields([]string{"birthDate"}).SaveX(ctx)
	add("AE1", "AuditEvent", ae.ID, ae)

	viewers := map[string]*auth.Viewer{
		roleAdmin: {AccountID: admin.ID, AgencyID: ag.ID, Role: auth.RoleAdmin},
		roleCoord: {AccountID: coord.ID, AgencyID: ag.ID, Role: auth.RoleCoordinator, ProfileID: c1.ID},
		roleSales: {AccountID: sales.ID, AgencyID: ag.ID, Role: auth.RoleSalesRep, ProfileID: r1.ID},
		roleReg:   {AccountID: reg.ID, AgencyID: ag.ID, Role: auth.RoleRegistrant, ProfileID: g1.ID},
	}
	// A webhook endpoint with one delivery (admins only; not GraphQL nodes), subscribed to what no
	// fixture causes.
	we := c.WebhookEndpoint.Create().SetAgencyID(ag.ID).SetURL("https://hooks." + slug + ".example/h").
		SetSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").SetEventTypes([]string{"compliance.reminder"}).SaveX(ctx)
	add("WE", "WebhookEndpoint", we.ID, we)
	wev := c.WebhookEvent.Create().SetAgencyID(ag.ID).SetEventID("evt_fixture_" + slug).SetType("posting.opened").
		SetPayload([]byte(`{}`)).SaveX(ctx)
	wd := c.WebhookDelivery.Create().SetAgencyID(ag.ID).SetEventID(wev.ID).SetEndpointID(we.ID).
		SetStatus("DELIVERED").SaveX(ctx)
	add("WD", "WebhookDelivery", wd.ID, wd)
	// An import job (not a GraphQL node) the coordinator started, with a refused row in its report.
	ij := c.ImportJob.Create().SetAgencyID(ag.ID).SetAccountID(coord.ID).SetKind(importjob.KindREGISTRANTS).
		SetMode(importjob.ModeVALID_ROWS).SetStatus(importjob.StatusDONE).SetFileName("staff.csv").SetTotal(2).SetDone(2).
		SetImported(1).SetFailed(1).SetErrors([]report.Line{{Line: 3, Column: "prefecture", Reason: "not a prefecture"}}).SaveX(ctx)
	add("IJ", "ImportJob", ij.ID, ij)
	dc1 := c.DispatchContact.Create().SetAgencyID(ag.ID).SetRole(dispatchcontact.RoleAGENCY_RESPONSIBLE).SetScopeKey("agency").
		SetName("派遣元 責任者").SetPhone("03-0000-0000").SaveX(ctx)
	dc2 := c.DispatchContact.Create().SetAgencyID(ag.ID).SetRole(dispatchcontact.RoleSUPERVISOR).SetOrgUnitID(ux.ID).
		SetScopeKey(fmt.Sprintf("unit:%d", ux.ID)).SetName("指揮 命令者").SetPhone("03-0000-0001").SaveX(ctx)
	add("DC1", "DispatchContact", dc1.ID, dc1)
	add("DC2", "DispatchContact", dc2.ID, dc2)
	ll1 := c.LedgerLog.Create().SetAgencyID(ag.ID).SetKind(ledgerlog.KindCOMPLAINT).SetRegistrantID(g1.ID).SetAssignmentID(as1.ID).
		SetOccurredOn(start.AddDate(0, 1, 0)).SetContent("休憩が取れない").SetHandling("派遣先と調整").SetRecordedByID(coord.ID).SaveX(ctx)
	ll2 := c.LedgerLog.Create().SetAgencyID(ag.ID).SetKind(ledgerlog.KindTRAINING).SetRegistrantID(g2.ID).
		SetOccurredOn(start).SetContent("入職時研修").SaveX(ctx)
	add("LL1", "LedgerLog", ll1.ID, ll1)
	add("LL2", "LedgerLog", ll2.ID, ll2)
	if len(rows) != len(rowsVisibleTo) {
		t.Fatalf("fixture has %d rows, rowsVisibleTo %d: keep them in step", len(rows), len(rowsVisibleTo))
	}
	return rows, viewers
}

func (e *walkEnv) gql(t *testing.T, role, q string) gqlResponse {
	t.Helper()
	return do(t, e.url, e.tokens[role], query(q, nil))
}

func visible(label, role string) bool {
	return slices.Contains(strings.Fields(rowsVisibleTo[label]), role)
}

// typeFor is the GraphQL type role gets for a row by node(id:), "" if it has none.
func typeFor(r fixRow, role string) string {
	if role == roleReg {
		return registrantType[r.typ]
	}
	return r.typ
}

func (e *walkEnv) objectTypes() []*ast.Definition {
	var out []*ast.Definition
	for _, d := range e.schema.Types {
		if d.Kind == ast.Object && !strings.HasPrefix(d.Name, "__") {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (e *walkEnv) checkDeclared(t *testing.T) {
	for _, d := range e.objectTypes() {
		for _, f := range d.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if _, ok := access.FieldReader(d.Name, f.Name); !ok {
				t.Errorf("%s.%s has no visibility decision in internal/access/fields.go", d.Name, f.Name)
			}
		}
	}
}

// checkWhereOrder: a where-input field or order field of type T must be readable by every role that
// may list T, on every row; otherwise filtering or sorting by it would leak it.
func (e *walkEnv) checkWhereOrder(t *testing.T) {
	suffixes := []string{"NotIn", "In", "NEQ", "GTE", "GT", "LTE", "LT", "ContainsFold", "Contains", "HasPrefix", "HasSuffix", "EqualFold", "IsNil", "NotNil"}
	listers := func(typ string) []auth.Role {
		for _, f := range e.schema.Query.Fields {
			if f.Type.Name() == typ+"Connection" {
				r, _ := access.FieldReader("Query", f.Name)
				return r.Roles()
			}
		}
		return nil
	}
	check := func(typ, field, via string) {
		r, ok := access.FieldReader(typ, field)
		if !ok {
			t.Errorf("%s: %s.%s is filterable/sortable but has no decision", via, typ, field)
			return
		}
		for _, role := range listers(typ) {
			if !slices.Contains(r.Roles(), role) || r.OwnOnly(role) {
				t.Errorf("%s: %s.%s is filterable/sortable by %s, who may not always read it", via, typ, field, role)
			}
		}
	}
	for name, d := range e.schema.Types {
		switch {
		case d.Kind == ast.InputObject && strings.HasSuffix(name, "WhereInput") && name != "PublicPostingWhereInput":
			typ := strings.TrimSuffix(name, "WhereInput")
			for _, f := range d.Fields {
				if f.Name == "not" || f.Name == "and" || f.Name == "or" {
					continue
				}
				base := f.Name
				for _, s := range suffixes {
					if strings.HasSuffix(base, s) && base != s {
						base = strings.TrimSuffix(base, s)
						break
					}
				}
				if strings.HasPrefix(base, "has") {
					t.Errorf("%s.%s: edge predicates let a role probe rows it cannot see", name, f.Name)
					continue
				}
				if _, ok := e.schema.Types[typ].Fields.ForName(base), true; ok && e.schema.Types[typ].Fields.ForName(base) != nil {
					check(typ, base, name)
				} else {
					t.Errorf("%s.%s: cannot map to a field of %s", name, f.Name, typ)
				}
			}
		case d.Kind == ast.Enum && strings.HasSuffix(name, "OrderField") && name != "PublicPostingOrderField":
			typ := strings.TrimSuffix(name, "OrderField")
			for _, v := range d.EnumValues {
				field := lowerCamel(v.Name)
				if e.schema.Types[typ] == nil || e.schema.Types[typ].Fields.ForName(field) == nil {
					t.Errorf("%s.%s: cannot map to a field of %s", name, v.Name, typ)
					continue
				}
				check(typ, field, name)
			}
		}
	}
}

func lowerCamel(enum string) string {
	parts := strings.Split(strings.ToLower(enum), "_")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

// selection selects every field of typ: scalars directly, objects by __typename (and id when they
// have one), connections by totalCount and node ids.
func (e *walkEnv) selection(typ string, only func(field string) bool) string {
	d := e.schema.Types[typ]
	var b []string
	for _, f := range d.Fields {
		if strings.HasPrefix(f.Name, "__") || (only != nil && !only(f.Name)) {
			continue
		}
		b = append(b, e.fieldSelection(f))
	}
	return "__typename " + strings.Join(b, " ")
}

func (e *walkEnv) fieldSelection(f *ast.FieldDefinition) string {
	ft := e.schema.Types[f.Type.Name()]
	switch {
	case ft.Kind == ast.Scalar || ft.Kind == ast.Enum:
		return f.Name
	case strings.HasSuffix(ft.Name, "Connection"):
		return f.Name + "(first: 3){totalCount edges{node{__typename " + idIfAny(e.schema, ft) + "}}}"
	case e.nodeLike(ft):
		return f.Name + "{__typename ... on Node{id}}"
	default:
		return f.Name + "{__typename}"
	}
}

// nodeLike: ft is Node, implements it, or may be one.
func (e *walkEnv) nodeLike(ft *ast.Definition) bool {
	if ft.Name == "Node" || slices.Contains(ft.Interfaces, "Node") {
		return true
	}
	for _, p := range e.schema.GetPossibleTypes(ft) {
		if slices.Contains(p.Interfaces, "Node") && p.Name != ft.Name {
			return true
		}
	}
	return false
}

func idIfAny(s *ast.Schema, conn *ast.Definition) string {
	node := s.Types[conn.Fields.ForName("edges").Type.Name()].Fields.ForName("node").Type.Name()
	if s.Types[node].Fields.ForName("id") != nil {
		return "id"
	}
	return ""
}

// fieldAllowed is the declared decision for role reading typ.field of row.
func (e *walkEnv) fieldAllowed(role, typ, field string, obj any) bool {
	r, ok := access.FieldReader(typ, field)
	return ok && r.Allows(e.viewers[role], obj)
}

type gqlErr = struct {
	Message    string
	Path       []any
	Extensions map[string]any
}

func errAt(r gqlResponse, path ...any) *gqlErr {
	for i := range r.Errors {
		if pathKey(r.Errors[i].Path) == pathKey(path) {
			return &r.Errors[i]
		}
	}
	return nil
}

func codesOf(r gqlResponse) []string {
	var out []string
	for _, e := range r.Errors {
		out = append(out, fmt.Sprintf("%v@%v", e.Extensions["code"], e.Path))
	}
	return out
}

// expectFields checks every selected field of obj (at path) against the declared decisions.
func (e *walkEnv) expectFields(t *testing.T, r gqlResponse, role, typ string, row fixRow, data map[string]any, path []any) {
	t.Helper()
	for _, f := range e.schema.Types[typ].Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		p := append(slices.Clone(path), f.Name)
		ge := errAt(r, p...)
		allowed := e.fieldAllowed(role, typ, f.Name, row.obj)
		switch {
		case allowed && ge != nil && ge.Extensions["code"] != graph.CodeNotFound:
			t.Errorf("%s as %s: %s.%s allowed by the table but answered %v %q", row.label, role, typ, f.Name, ge.Extensions["code"], ge.Message)
		case allowed && ge == nil && data != nil:
			if _, present := data[f.Name]; !present {
				t.Errorf("%s as %s: %s.%s missing from the response", row.label, role, typ, f.Name)
			}
		case !allowed && (ge == nil || ge.Extensions["code"] != graph.CodeForbidden):
			t.Errorf("%s as %s: %s.%s must be FORBIDDEN, got error %v and value %v", row.label, role, typ, f.Name, ge, data[f.Name])
		case !allowed && data != nil && data[f.Name] != nil:
			t.Errorf("%s as %s: %s.%s leaked a value: %v", row.label, role, typ, f.Name, data[f.Name])
		}
	}
}

func (e *walkEnv) walkNodes(t *testing.T, role string) {
	labels := sortedLabels(e.rows)
	for _, label := range labels {
		row := e.rows[label]
		typ := typeFor(row, role)
		if d := e.schema.Types[typ]; d == nil || !slices.Contains(d.Interfaces, "Node") {
			typ = "" // a row the API lists but does not serve as a node (webhook endpoints)
		}
		sel := "__typename"
		if typ != "" {
			sel = "__typename ... on " + typ + "{" + e.selection(typ, nil) + "}"
		}
		r := e.gql(t, role, fmt.Sprintf(`{node(id:"%d"){%s}}`, row.id, sel))
		node, _ := r.Data["node"].(map[string]any)
		switch {
		case role == roleAnon:
			if node != nil || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeUnauthenticated {
				t.Errorf("%s anonymous: want UNAUTHENTICATED, got %v %v", label, node, codesOf(r))
			}
		case !visible(label, role) || typ == "":
			ge := errAt(r, "node")
			if node != nil || ge == nil || ge.Extensions["code"] != graph.CodeNotFound {
				t.Errorf("%s as %s: must be NOT_FOUND like a missing row, got %v %v", label, role, node, codesOf(r))
			}
		default:
			if node == nil && errAt(r, "node") != nil {
				t.Errorf("%s as %s: row should be visible, got %v", label, role, codesOf(r))
				continue
			}
			if node != nil && node["__typename"] != typ {
				t.Errorf("%s as %s: node is %v, want %s", label, role, node["__typename"], typ)
			}
			e.expectFields(t, r, role, typ, row, node, []any{"node"})
		}
	}
	// A row that does not exist and a row of another role's scope answer the same.
	r := e.gql(t, role, `{node(id:"51539607551"){id}}`)
	if role != roleAnon && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeNotFound || r.Errors[0].Message != "not found") {
		t.Errorf("missing row as %s: %v", role, codesOf(r))
	}
}

// walkLists reads every top-level list and compares the rows returned (and totalCount) with the rows
// the role may see, checking every field of every row.
func (e *walkEnv) walkLists(t *testing.T, role string) {
	for _, qf := range e.schema.Query.Fields {
		if hasRequiredArgs(qf) {
			continue // parameterised views (matching, compliance) have their own tests
		}
		ft := e.schema.Types[qf.Type.Name()]
		var nodeType string
		switch {
		case strings.HasSuffix(ft.Name, "Connection"):
			nodeType = e.schema.Types[ft.Fields.ForName("edges").Type.Name()].Fields.ForName("node").Type.Name()
		case qf.Type.Elem != nil && ft.Kind == ast.Object:
			nodeType = ft.Name
		default:
			continue
		}
		sel := e.selection(nodeType, nil)
		q := fmt.Sprintf(`{%s(first: 20){totalCount edges{node{%s}}}}`, qf.Name, sel)
		if !strings.HasSuffix(ft.Name, "Connection") {
			q = fmt.Sprintf(`{%s{%s}}`, qf.Name, sel)
		}
		r := e.gql(t, role, q)
		allowed := e.fieldAllowed(role, "Query", qf.Name, nil)
		if role == roleAnon || !allowed {
			want := graph.CodeForbidden
			if role == roleAnon {
				want = graph.CodeUnauthenticated
			}
			if ge := errAt(r, qf.Name); ge == nil || ge.Extensions["code"] != want || r.Data[qf.Name] != nil {
				t.Errorf("%s as %s: want %s, got %v", qf.Name, role, want, codesOf(r))
			}
			continue
		}
		var items []map[string]any
		var paths [][]any
		if conn, ok := r.Data[qf.Name].(map[string]any); ok {
			edges, _ := conn["edges"].([]any)
			for i, ed := range edges {
				n, _ := ed.(map[string]any)["node"].(map[string]any)
				items = append(items, n)
				paths = append(paths, []any{qf.Name, "edges", float64(i), "node"})
			}
			if tc, _ := conn["totalCount"].(float64); int(tc) != len(edges) && !(int(tc) > 20 && len(edges) == 20) {
				t.Errorf("%s as %s: totalCount %v but %d rows", qf.Name, role, tc, len(edges))
			}
		} else if list, ok := r.Data[qf.Name].([]any); ok {
			for i, it := range list {
				items = append(items, it.(map[string]any))
				paths = append(paths, []any{qf.Name, float64(i)})
			}
		}
		got := map[string]bool{}
		for i, n := range items {
			if n == nil {
				t.Errorf("%s as %s: null row at %d (%v)", qf.Name, role, i, codesOf(r))
				continue
			}
			id, _ := strconv.Atoi(fmt.Sprint(n["id"]))
			row, ok := e.byID[id]
			if !ok && nodeType == "AuditEvent" {
				continue // audit rows this walk itself caused (reads of bill rates and birth dates)
			}
			if !ok {
				t.Errorf("%s as %s: row %v is not from this agency's fixture", qf.Name, role, n["id"])
				continue
			}
			got[row.label] = true
			if !visible(row.label, role) {
				t.Errorf("%s as %s: listed %s, which %s may not see", qf.Name, role, row.label, role)
			}
			e.expectFields(t, r, role, nodeType, row, n, paths[i])
		}
		for _, label := range sortedLabels(e.rows) {
			row := e.rows[label]
			if typeFor(row, role) != nodeType || !listCovers(qf.Name, label) {
				continue
			}
			if want := visible(label, role); want != got[label] {
				t.Errorf("%s as %s: row %s listed=%v, want %v", qf.Name, role, label, got[label], want)
			}
		}
	}
}

// listCovers: whether list must contain every row of its type the role may see. The feed lists open
// public postings only; work lists (insurance risk, my callbacks) are filtered views, checked for
// visibility of what they return but not for completeness.
func listCovers(list, label string) bool {
	switch list {
	case "registrantsAtInsuranceRisk", "myCallbacksDue", "recommendedPostings":
		return false
	case "publicPostings":
		return label != "P2" // P2 is non-public: never in the feed
	}
	return true
}

// walkEdges follows every edge of every visible row and checks the rows it leads to are visible
// and their fields obey the table.
func (e *walkEnv) walkEdges(t *testing.T, role string) {
	if role == roleAnon {
		return
	}
	for _, label := range sortedLabels(e.rows) {
		row := e.rows[label]
		typ := typeFor(row, role)
		if typ == "" || !visible(label, role) {
			continue
		}
		for _, f := range e.schema.Types[typ].Fields {
			ft := e.schema.Types[f.Type.Name()]
			if ft.Kind == ast.Scalar || ft.Kind == ast.Enum || !e.fieldAllowed(role, typ, f.Name, row.obj) {
				continue
			}
			var targets []string
			conn := strings.HasSuffix(ft.Name, "Connection")
			switch {
			case conn:
				targets = []string{e.schema.Types[ft.Fields.ForName("edges").Type.Name()].Fields.ForName("node").Type.Name()}
			case ft.Kind == ast.Union || ft.Kind == ast.Interface:
				for _, p := range e.schema.GetPossibleTypes(ft) {
					targets = append(targets, p.Name)
				}
			default:
				targets = []string{ft.Name}
			}
			for _, target := range targets {
				if e.schema.Types[target].Fields.ForName("id") == nil {
					continue // value types (MySkill…) are checked through their parent
				}
				inner := "... on " + target + "{" + e.selection(target, nil) + "}"
				sel := f.Name + "{" + inner + "}"
				if conn {
					sel = f.Name + "(first: 20){edges{node{" + inner + "}}}"
				}
				r := e.gql(t, role, fmt.Sprintf(`{node(id:"%d"){... on %s{%s}}}`, row.id, typ, sel))
				node, _ := r.Data["node"].(map[string]any)
				if node == nil {
					t.Errorf("%s as %s via %s.%s: parent vanished: %v", label, role, typ, f.Name, codesOf(r))
					continue
				}
				var children []map[string]any
				var paths [][]any
				switch v := node[f.Name].(type) {
				case map[string]any:
					if conn {
						edges, _ := v["edges"].([]any)
						for i, ed := range edges {
							if n, ok := ed.(map[string]any)["node"].(map[string]any); ok {
								children = append(children, n)
								paths = append(paths, []any{"node", f.Name, "edges", float64(i), "node"})
							}
						}
					} else {
						children = append(children, v)
						paths = append(paths, []any{"node", f.Name})
					}
				case []any:
					for i, it := range v {
						if n, ok := it.(map[string]any); ok {
							children = append(children, n)
							paths = append(paths, []any{"node", f.Name, float64(i)})
						}
					}
				}
				for i, child := range children {
					if child["__typename"] != target {
						continue
					}
					id, _ := strconv.Atoi(fmt.Sprint(child["id"]))
					cr, ok := e.byID[id]
					switch {
					case !ok:
						t.Errorf("%s as %s via %s.%s: reached a row outside the fixture (%v)", label, role, typ, f.Name, child["id"])
					case !visible(cr.label, role):
						t.Errorf("%s as %s via %s.%s: reached %s, which %s may not see", label, role, typ, f.Name, cr.label, role)
					default:
						e.expectFields(t, r, role, target, cr, child, paths[i])
					}
				}
				for _, ge := range r.Errors {
					if c := ge.Extensions["code"]; c != graph.CodeForbidden && c != graph.CodeNotFound {
						t.Errorf("%s as %s via %s.%s: unexpected %v %q", label, role, typ, f.Name, c, ge.Message)
					}
				}
			}
		}
	}
}

// walkOtherAgency: no row of agency B is reachable by id for anyone in agency A.
func (e *walkEnv) walkOtherAgency(t *testing.T, role string) {
	for _, label := range sortedLabels(e.other) {
		row := e.other[label]
		r := e.gql(t, role, fmt.Sprintf(`{node(id:"%d"){id}}`, row.id))
		want := graph.CodeNotFound
		if role == roleAnon {
			want = graph.CodeUnauthenticated
		}
		if r.Data["node"] != nil || len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != want {
			t.Errorf("other agency's %s as %s: want %s, got %v %v", label, role, want, r.Data["node"], codesOf(r))
		}
	}
}

func sortedLabels(m map[string]fixRow) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func pathKey(p []any) string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, "/")
}

var testLogOut io.Writer = io.Discard

func hasRequiredArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}
