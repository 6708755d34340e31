package server_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/contactlog"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/migrate"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/workhistory"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
)

// The write walk (DESIGN §4 "writes obey the same scopes"): every ID-typed field of every mutation
// input in the SDL, for every role and an anonymous caller, is sent (1) an id of the other agency,
// (2) an id of this agency outside the role's scope, and (3) an allowed id as positive control.
// Refused cases must answer NOT_FOUND/FORBIDDEN/UNAUTHENTICATED and leave every row of the database
// byte-for-byte as it was. A new mutation or input field taking an id fails the walk until it has an
// entry in mutationSpecs, i.e. until someone decides which rows each role may name there.

// mutationSpec says, for one mutation, what a valid input looks like per role and which rows are
// outside each role's scope.
type mutationSpec struct {
	// input builds a valid input for role (fresh rows it needs are created under System, so every
	// positive control starts from the same fixture); nil when role may not use the mutation. The
	// id paths it sets are the ones the role may name; the walk adds the others to refused cases.
	input func(w *mutWalk, role string) map[string]any
	// other: id path → label of agency B's row of the same type.
	other map[string]string
	// outside: id path → role → label of agency A's row the role may not see or attach. Missing for
	// a role that sees and may attach every row of that type in its agency.
	outside map[string]map[string]string
}

var mutationSpecs = map[string]mutationSpec{
	"createPosting": {
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin && role != roleSales {
				return nil
			}
			return map[string]any{"title": "walk", "jobCategory": "一般事務", "hourlyWage": 1500, "prefecture": "東京都",
				"orgUnitID": w.id("UY"), "accountRepID": w.id("R1")}
		},
		other: map[string]string{"orgUnitID": "UX", "accountRepID": "R1"},
	},
	"updatePosting": {
		input: func(w *mutWalk, role string) map[string]any {
			switch role {
			case roleAdmin:
				return map[string]any{"id": w.freshPosting("R2"), "set": map[string]any{"title": "walk",
					"orgUnitID": w.id("UX"), "accountRepID": w.id("R1")}}
			case roleSales:
				return map[string]any{"id": w.freshPosting("R1"), "set": map[string]any{"title": "walk", "orgUnitID": w.id("UY")}}
			}
			return nil
		},
		other: map[string]string{"id": "P1", "set.orgUnitID": "UX", "set.accountRepID": "R1"},
		outside: map[string]map[string]string{
			"id":               {roleSales: "P2"},
			"set.accountRepID": {roleSales: "R2"}, // only admins hand a posting to another rep
		},
	},
	"updateRegistrant": {
		input: func(w *mutWalk, role string) map[string]any {
			switch role {
			case roleAdmin, roleCoord: // registrants edit themselves through updateMyProfile
				return map[string]any{"id": w.id("G2"), "set": map[string]any{"city": "港区"}}
			}
			return nil
		},
		other: map[string]string{"id": "G1"},
	},
	"apply": {
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleReg {
				return nil
			}
			return map[string]any{"postingId": w.freshPosting("R1")}
		},
		other:   map[string]string{"postingId": "P1"},
		outside: map[string]map[string]string{"postingId": {roleReg: "P2"}},
	},
	"withdrawApplication": registrantApplicationStep(application.StatusSCREENING),
	"declineOffer":        registrantApplicationStep(application.StatusOFFERED),
	"acceptOffer":         registrantApplicationStep(application.StatusOFFERED),
	"scheduleMeeting": {
		input: func(w *mutWalk, role string) map[string]any {
			if role == roleReg || role == roleAnon {
				return nil
			}
			return map[string]any{"applicationId": w.freshApplication(application.StatusCLIENT_MEETING),
				"at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "place": "本社 3階 受付"}
		},
		other:   map[string]string{"applicationId": "A1"},
		outside: map[string]map[string]string{"applicationId": {roleCoord: "A2", roleSales: "A2"}},
	},
	"cancelMeeting": {
		input: func(w *mutWalk, role string) map[string]any {
			if role == roleReg || role == roleAnon {
				return nil
			}
			return map[string]any{"id": w.freshApplication(application.StatusCLIENT_MEETING)}
		},
		other:   map[string]string{"id": "A1"},
		outside: map[string]map[string]string{"id": {roleCoord: "A2", roleSales: "A2"}},
	},
	"terminateAssignment": {
		input: func(w *mutWalk, role string) map[string]any {
			if role == roleReg || role == roleAnon {
				return nil
			}
			return map[string]any{"assignmentId": w.freshAssignment(), "lastDay": "2026-06-30", "by": "CLIENT",
				"reason": "派遣先の事業縮小", "measures": "同条件の別就業先を紹介"}
		},
		other:   map[string]string{"assignmentId": "AS1"},
		outside: map[string]map[string]string{"assignmentId": {roleCoord: "AS2", roleSales: "AS2"}},
	},
	"advanceApplication": {
		input: func(w *mutWalk, role string) map[string]any {
			if role == roleReg || role == roleAnon {
				return nil
			}
			return map[string]any{"applicationId": w.freshApplication(application.StatusSCREENING), "to": "SCREENING_PASSED"}
		},
		other:   map[string]string{"applicationId": "A1"},
		outside: map[string]map[string]string{"applicationId": {roleCoord: "A2", roleSales: "A2"}},
	},
	"renewAssignment": {
		input: func(w *mutWalk, role string) map[string]any {
			if role == roleReg || role == roleAnon {
				return nil
			}
			return map[string]any{"assignmentId": w.freshAssignment(), "endDate": "2027-03-31"}
		},
		other:   map[string]string{"assignmentId": "AS1"},
		outside: map[string]map[string]string{"assignmentId": {roleCoord: "AS2", roleSales: "AS2"}},
	},
	"logContact": {
		input: func(w *mutWalk, role string) map[string]any {
			if role == roleReg || role == roleAnon {
				return nil
			}
			return map[string]any{"registrantId": w.id("G1"), "channel": "PHONE", "direction": "OUTBOUND", "outcome": "REACHED"}
		},
		other:   map[string]string{"registrantId": "G1"},
		outside: map[string]map[string]string{"registrantId": {roleSales: "G2"}},
	},
	"completeCallback": {
		input: func(w *mutWalk, role string) map[string]any {
			if role == roleReg || role == roleAnon {
				return nil
			}
			return map[string]any{"id": w.freshCallback(role)}
		},
		other:   map[string]string{"id": "L1"},
		outside: map[string]map[string]string{"id": {roleCoord: "L2", roleSales: "L1"}},
	},
	"createInquiry": {
		input: func(w *mutWalk, role string) map[string]any {
			switch role {
			case roleReg:
				return map[string]any{"postingId": w.freshPosting("R1"), "kind": "POSTING_QUESTION"}
			case roleAdmin, roleCoord, roleSales:
				return map[string]any{"postingId": w.freshPosting("R1"), "kind": "POSTING_QUESTION",
					"registrantId": w.id("G1"), "channel": "PHONE"}
			}
			return nil
		},
		other: map[string]string{"postingId": "P1", "registrantId": "G1"},
		outside: map[string]map[string]string{
			"postingId":    {roleReg: "P2"},
			"registrantId": {roleSales: "G2", roleReg: "G2"},
		},
	},
	"acknowledgeInquiry": assigneeStep(inquiry.StatusASSIGNED, roleCoord, roleSales),
	"declineInquiry":     assigneeStep(inquiry.StatusASSIGNED, roleCoord, roleSales),
	"resolveInquiry":     assigneeStep(inquiry.StatusACKNOWLEDGED, roleCoord, roleSales, roleAdmin),
	"reassignInquiry":    assigneeStep(inquiry.StatusASSIGNED, roleAdmin),
	"handOffInquiry": {
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleCoord && role != roleAdmin {
				return nil
			}
			return map[string]any{"id": w.freshInquiry(role, inquiry.StatusACKNOWLEDGED, true)}
		},
		other:   map[string]string{"id": "I1"},
		outside: map[string]map[string]string{"id": {roleCoord: "I2"}},
	},
	// Inquiry threads (issue 15 item 5): staff reply on inquiries assigned to them (admins on any);
	// the registrant writes in her own.
	"replyToInquiry": {
		input: func(w *mutWalk, role string) map[string]any {
			switch role {
			case roleAdmin, roleCoord, roleSales:
				return map[string]any{"inquiryId": w.freshInquiry(role, inquiry.StatusACKNOWLEDGED, false), "body": "お答えします"}
			}
			return nil
		},
		other:   map[string]string{"inquiryId": "I1"},
		outside: map[string]map[string]string{"inquiryId": {roleCoord: "I2", roleSales: "I1"}},
	},
	"postMyInquiryMessage": {
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleReg {
				return nil
			}
			return map[string]any{"inquiryId": w.freshInquiry(roleCoord, inquiry.StatusASSIGNED, false), "body": "追記です"}
		},
		other:   map[string]string{"inquiryId": "I1"},
		outside: map[string]map[string]string{"inquiryId": {roleReg: "I2"}},
	},
	// Skills and work history (issue 15 item 1): the registrant names only her own entries;
	// coordinators and admins any registrant of the agency; sales reps none.
	"updateMyWorkHistory":         ownHistoryStep(map[string]any{"tasks": "walk"}),
	"removeMyWorkHistory":         ownHistoryStep(nil),
	"updateRegistrantWorkHistory": staffHistoryStep(map[string]any{"tasks": "walk"}),
	"removeRegistrantWorkHistory": staffHistoryStep(nil),
	"setRegistrantSkills": {
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin && role != roleCoord {
				return nil
			}
			return map[string]any{"registrantId": w.id("G2"), "skills": []map[string]any{{"name": "walk", "level": 2, "years": 1}}}
		},
		other: map[string]string{"registrantId": "G1"},
	},
	"addRegistrantWorkHistory": {
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin && role != roleCoord {
				return nil
			}
			return map[string]any{"registrantId": w.id("G2"), "entry": map[string]any{"company": "walk", "jobCategory": "一般事務",
				"startDate": "2020-04-01", "kind": "DISPATCHED"}}
		},
		other: map[string]string{"registrantId": "G1"},
	},
}

// ownHistoryStep: the registrant changes (set != nil) or removes one of her own entries.
func ownHistoryStep(set map[string]any) mutationSpec {
	return mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleReg {
				return nil
			}
			return historyInput(w.freshHistory("G1"), set)
		},
		other:   map[string]string{"id": "W1"},
		outside: map[string]map[string]string{"id": {roleReg: "W2"}},
	}
}

// staffHistoryStep: coordinators and admins change or remove any registrant's entry.
func staffHistoryStep(set map[string]any) mutationSpec {
	return mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin && role != roleCoord {
				return nil
			}
			return historyInput(w.freshHistory("G2"), set)
		},
		other: map[string]string{"id": "W1"},
	}
}

func historyInput(id string, set map[string]any) map[string]any {
	if set == nil {
		return map[string]any{"id": id}
	}
	return map[string]any{"id": id, "set": set}
}

// freshHistory is a new work-history entry of the registrant labelled reg.
func (w *mutWalk) freshHistory(reg string) string {
	h := w.c().WorkHistory.Create().SetAgencyID(w.agency()).SetRegistrantID(w.row(reg).id).SetCompany("walk").
		SetJobCategory("一般事務").SetStartDate(time.Date(2019, 4, 1, 0, 0, 0, 0, time.UTC)).
		SetKind(workhistory.KindDIRECT_EMPLOYMENT).SaveX(w.ctx)
	return strconv.Itoa(h.ID)
}

func registrantApplicationStep(status application.Status) mutationSpec {
	return mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			if role != roleReg {
				return nil
			}
			return map[string]any{"id": w.freshApplication(status)}
		},
		other:   map[string]string{"id": "A1"},
		outside: map[string]map[string]string{"id": {roleReg: "A2"}},
	}
}

// assigneeStep: an inquiry step the listed roles may take (staff on inquiries assigned to them,
// admins on any).
func assigneeStep(status inquiry.Status, roles ...string) mutationSpec {
	return mutationSpec{
		input: func(w *mutWalk, role string) map[string]any {
			if slices.Contains(roles, role) {
				return map[string]any{"id": w.freshInquiry(role, status, false)}
			}
			return nil
		},
		other: map[string]string{"id": "I1"},
		// I1 is C1's; the sales rep sees it (it is about their posting) but is not its assignee.
		outside: map[string]map[string]string{"id": {roleCoord: "I2", roleSales: "I1"}},
	}
}

type mutWalk struct {
	e   *walkEnv
	ctx context.Context // System, for fixtures
	n   int
}

func (w *mutWalk) c() *ent.Client { return w.e.db.Client }

func (w *mutWalk) row(label string) fixRow {
	r, ok := w.e.rows[label]
	if !ok {
		panic("no fixture row " + label)
	}
	return r
}

func (w *mutWalk) id(label string) string { return strconv.Itoa(w.row(label).id) }

func (w *mutWalk) agency() int { return w.row("agency").id }

// freshPosting is an open public posting of rep at UX that no registrant has touched.
func (w *mutWalk) freshPosting(rep string) string {
	w.n++
	p := w.c().Posting.Create().SetAgencyID(w.agency()).SetOrgUnitID(w.row("UX").id).SetAccountRepID(w.row(rep).id).
		SetTitle(fmt.Sprintf("fresh %d", w.n)).SetJobCategory("一般事務").SetHourlyWage(1500).SetPrefecture("東京都").
		SetStatus(posting.StatusOPEN).SetBillRate(2100).SaveX(w.ctx)
	return strconv.Itoa(p.ID)
}

// freshApplication: G1 (handled by C1) on a fresh posting of R1, in status.
func (w *mutWalk) freshApplication(status application.Status) string {
	pid, _ := strconv.Atoi(w.freshPosting("R1"))
	a := w.c().Application.Create().SetAgencyID(w.agency()).SetRegistrantID(w.row("G1").id).SetPostingID(pid).
		SetStatus(status).SaveX(w.ctx)
	return strconv.Itoa(a.ID)
}

// freshAssignment: a new registrant handled by C1, placed at R1's P1 for six months.
func (w *mutWalk) freshAssignment() string {
	w.n++
	g := w.c().Registrant.Create().SetAgencyID(w.agency()).SetName(fmt.Sprintf("walk %d", w.n)).SetPrefecture("東京都").SaveX(w.ctx)
	w.c().Inquiry.Create().SetAgencyID(w.agency()).SetRegistrantID(g.ID).SetKind(inquiry.KindGENERAL).
		SetStatus(inquiry.StatusRESOLVED).SetCoordinatorID(w.row("C1").id).SaveX(w.ctx)
	start := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	as := w.c().Assignment.Create().SetAgencyID(w.agency()).SetRegistrantID(g.ID).SetPostingID(w.row("P1").id).
		SetOrgUnitID(w.row("UX").id).SetStartDate(start).SetEndDate(start.AddDate(0, 6, -1)).SetHourlyWage(1500).
		SetBillRate(2100).SaveX(w.ctx)
	return strconv.Itoa(as.ID)
}

// freshCallback: an open callback on G1 owned by role's account.
func (w *mutWalk) freshCallback(role string) string {
	l := w.c().ContactLog.Create().SetAgencyID(w.agency()).SetRegistrantID(w.row("G1").id).
		SetStaffID(w.e.viewers[role].AccountID).SetChannel(contactlog.ChannelPHONE).SetDirection(contactlog.DirectionINBOUND).
		SetOutcome(contactlog.OutcomeNO_ANSWER).SetCallbackDueAt(time.Now().Add(time.Hour)).SaveX(w.ctx)
	return strconv.Itoa(l.ID)
}

// freshInquiry: an inquiry of G1 assigned to role's profile (C1 for admins), about P1 when
// withPosting.
func (w *mutWalk) freshInquiry(role string, status inquiry.Status, withPosting bool) string {
	q := w.c().Inquiry.Create().SetAgencyID(w.agency()).SetRegistrantID(w.row("G1").id).SetStatus(status).
		SetKind(inquiry.KindGENERAL).SetDueAt(time.Now().Add(time.Hour))
	if withPosting {
		q.SetKind(inquiry.KindAPPLICATION_INTENT).SetPostingID(w.row("P1").id)
	}
	if role == roleSales {
		q.SetSalesRepID(w.row("R1").id)
	} else {
		q.SetCoordinatorID(w.row("C1").id)
	}
	return strconv.Itoa(q.SaveX(w.ctx).ID)
}

// digest hashes every row of every table (refresh tokens aside): a refused write must not change one.
func (w *mutWalk) digest(t *testing.T) string {
	t.Helper()
	h := sha256.New()
	for _, tbl := range migrate.Tables {
		if tbl.Name == "refresh_tokens" {
			continue
		}
		rows, err := w.e.db.SQL.QueryContext(context.Background(), "SELECT * FROM "+tbl.Name+" ORDER BY id")
		if err != nil {
			t.Fatalf("digest %s: %v", tbl.Name, err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		fmt.Fprintf(h, "%s\x00", tbl.Name)
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("digest %s: %v", tbl.Name, err)
			}
			for _, v := range vals {
				h.Write(v)
				h.Write([]byte{0})
			}
			h.Write([]byte{1})
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// idPaths lists, per mutation, the dotted paths of ID-typed fields inside its input argument.
func idPaths(s *ast.Schema) map[string][]string {
	out := map[string][]string{}
	var walk func(prefix string, def *ast.Definition, depth int, add func(string))
	walk = func(prefix string, def *ast.Definition, depth int, add func(string)) {
		if def == nil || def.Kind != ast.InputObject || depth > 4 {
			return
		}
		for _, f := range def.Fields {
			p := prefix + f.Name
			if f.Type.Name() == "ID" {
				add(p)
				continue
			}
			walk(p+".", s.Types[f.Type.Name()], depth+1, add)
		}
	}
	for _, f := range s.Mutation.Fields {
		for _, a := range f.Arguments {
			walk("", s.Types[a.Type.Name()], 0, func(p string) { out[f.Name] = append(out[f.Name], p) })
		}
	}
	return out
}

func inputTypeOf(s *ast.Schema, mutation string) string {
	return s.Mutation.Fields.ForName(mutation).Arguments.ForName("input").Type.String()
}

func setPath(m map[string]any, path string, v any) map[string]any {
	out := cloneMap(m)
	cur := out
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, _ := cur[p].(map[string]any)
		next = cloneMap(next)
		cur[p] = next
		cur = next
	}
	cur[parts[len(parts)-1]] = v
	return out
}

func getPath(m map[string]any, path string) (any, bool) {
	cur := m
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		cur, _ = cur[p].(map[string]any)
	}
	v, ok := cur[parts[len(parts)-1]]
	return v, ok
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = cloneMap(sub)
		}
		out[k] = v
	}
	return out
}

func errCode(r gqlResponse) string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func TestMutationInputWalk(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			e := newWalkEnv(t, kind)
			w := &mutWalk{e: e, ctx: access.System(context.Background(), "test fixture")}
			// The walk opens many inquiries for G1: keep the contact-pressure limit out of its way.
			e.db.Client.Agency.UpdateOneID(w.agency()).SetInquiryRateLimit(1000).ExecX(w.ctx)

			paths := idPaths(e.schema)
			names := make([]string, 0, len(paths))
			for m := range paths {
				names = append(names, m)
			}
			sort.Strings(names)
			for _, m := range names {
				spec, ok := mutationSpecs[m]
				if !ok {
					t.Errorf("mutation %s takes ids %v but has no entry in mutationSpecs: decide which rows each role may name", m, paths[m])
					continue
				}
				for _, p := range paths[m] {
					if spec.other[p] == "" {
						t.Errorf("%s.%s: no other-agency row declared in mutationSpecs", m, p)
					}
				}
			}
			for m := range mutationSpecs {
				if _, ok := paths[m]; !ok {
					t.Errorf("mutationSpecs has %s, which takes no id in the SDL any more", m)
				}
			}
			if t.Failed() {
				return
			}

			type positive struct{ mutation, path, role string }
			var positives []positive
			refused, accepted := 0, 0
			run := func(t *testing.T, role, mutation string, input map[string]any) gqlResponse {
				q := fmt.Sprintf("mutation($input: %s) { %s(input: $input) { __typename } }", inputTypeOf(e.schema, mutation), mutation)
				return do(t, e.url, e.tokens[role], query(q, map[string]any{"input": input}))
			}
			for _, m := range names {
				spec := mutationSpecs[m]
				for _, role := range walkRoles {
					for _, p := range paths[m] {
						t.Run(fmt.Sprintf("%s/%s/%s", m, role, p), func(t *testing.T) {
							in := spec.input(w, role)
							permitted := in != nil
							if !permitted {
								for _, r := range []string{roleAdmin, roleCoord, roleSales, roleReg} {
									if in = spec.input(w, r); in != nil {
										break
									}
								}
							}
							_, allowedHere := getPath(in, p)
							if permitted && allowedHere {
								positives = append(positives, positive{m, p, role})
							}
							cases := map[string]string{"other agency": strconv.Itoa(e.other[spec.other[p]].id)}
							switch {
							case spec.outside[p][role] != "":
								cases["outside scope"] = w.id(spec.outside[p][role])
							case !permitted || !allowedHere:
								// The role may not name this field at all: the row a permitted role
								// may name is outside this role's scope.
								if v, ok := getPath(in, p); ok {
									cases["outside scope"] = v.(string)
								} else if ref, ok := getPath(spec.input(w, roleAdmin), p); ok {
									cases["outside scope"] = ref.(string)
								}
							}
							for name, id := range cases {
								before := w.digest(t)
								r := run(t, role, m, setPath(in, p, id))
								code := errCode(r)
								refused++
								if !slices.Contains([]string{"NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED"}, code) {
									t.Errorf("%s: %s as %s with %s = %s (%s): got %q %v, want a refusal", kind, m, role, p, id, name, code, r.Errors)
								}
								if name == "other agency" && permitted && allowedHere && code != "NOT_FOUND" {
									t.Errorf("%s: %s as %s with %s of another agency: code %s, want NOT_FOUND (same as a missing id)", kind, m, role, p, code)
								}
								if after := w.digest(t); after != before {
									t.Errorf("%s: %s as %s with %s = %s (%s) changed rows although refused", kind, m, role, p, id, name)
								}
							}
						})
					}
				}
			}
			// Positive controls last: they change rows, each on fresh ones.
			for _, pc := range positives {
				t.Run(fmt.Sprintf("%s/%s/%s/allowed", pc.mutation, pc.role, pc.path), func(t *testing.T) {
					r := run(t, pc.role, pc.mutation, mutationSpecs[pc.mutation].input(w, pc.role))
					accepted++
					if len(r.Errors) > 0 {
						t.Errorf("%s: %s as %s (allowed %s): %v", kind, pc.mutation, pc.role, pc.path, r.Errors)
					}
				})
			}
			fields := 0
			for _, m := range names {
				fields += len(paths[m])
			}
			t.Logf("%s: %d id input fields of %d mutations × %d roles: %d refused cases, %d positive controls", kind,
				fields, len(names), len(walkRoles), refused, accepted)
			if accepted == 0 || refused == 0 {
				t.Fatal("the walk ran no case")
			}
		})
	}
}
