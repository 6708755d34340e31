package bulk_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/importjob"
	"github.com/example/staffcrm/ent/orgunit"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/registrant"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk"
	"github.com/example/staffcrm/internal/bulk/report"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/seed"
)

// fixture is the demo data with a viewer context per demo login.
type fixture struct {
	db  *database.DB
	sys context.Context
	svc *bulk.Service
	// as: the demo logins' viewers (admin, coordinator, sales, registrant; other = direct's admin).
	admin, coord, coord2, sales, reg, other, otherSales context.Context
}

func newFixture(t testing.TB, kind dbtest.Kind) *fixture {
	t.Helper()
	db := dbtest.Open(t, kind)
	sys := access.System(context.Background(), "test: seed and fixtures")
	if err := seed.Demo(sys, db.Client, func(pw string) (string, error) { return "x:" + pw, nil }); err != nil {
		t.Fatal(err)
	}
	as := func(email string) context.Context {
		a := db.Client.Account.Query().Where(account.Email(email)).WithCoordinator().WithSalesRep().WithRegistrant().OnlyX(sys)
		v := &auth.Viewer{AccountID: a.ID, AgencyID: a.AgencyID, Role: auth.Role(a.Role)}
		switch {
		case a.Edges.Coordinator != nil:
			v.ProfileID = a.Edges.Coordinator.ID
		case a.Edges.SalesRep != nil:
			v.ProfileID = a.Edges.SalesRep.ID
		case a.Edges.Registrant != nil:
			v.ProfileID = a.Edges.Registrant.ID
		}
		return auth.WithViewer(context.Background(), v)
	}
	return &fixture{db: db, sys: sys, svc: &bulk.Service{Client: db.Client},
		admin: as("admin@demo.example"), coord: as("coordinator@demo.example"), coord2: as("coordinator2@demo.example"),
		sales: as("sales@demo.example"), reg: as("registrant@demo.example"), other: as("admin@direct.example"),
		otherSales: as("sales@direct.example")}
}

func viewer(ctx context.Context) *auth.Viewer { v, _ := auth.ViewerFrom(ctx); return v }

// importText runs an import to its end (Import: the caller's goroutine).
func (f *fixture) importText(t testing.TB, ctx context.Context, kind importjob.Kind, mode importjob.Mode, text string) *ent.ImportJob {
	t.Helper()
	j, err := f.svc.Import(ctx, bulk.Request{Kind: kind, Mode: mode, Text: &text, FileName: "test.csv"})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func (f *fixture) importBytes(t testing.TB, ctx context.Context, enc bulk.Encoding, data []byte) *ent.ImportJob {
	t.Helper()
	j, err := f.svc.Import(ctx, bulk.Request{Kind: importjob.KindREGISTRANTS, Encoding: enc, File: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// csvText writes rows under header.
func csvText(header []string, rows [][]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	_ = w.WriteAll(rows)
	return b.String()
}

var regHeader = []string{"external_key", "name", "kana", "phone", "email", "prefecture", "city", "max_commute_minutes",
	"accepts_bus", "desired_hourly_wage", "desired_job_categories", "available_from", "employment", "skills", "work_history"}

// regRow is a valid registrant row (regHeader) for key i; with changes applied by column.
func regRow(prefix string, i int, changes map[string]string) []string {
	v := map[string]string{
		"external_key": fmt.Sprintf("%s-%05d", prefix, i), "name": fmt.Sprintf("取込 花子%d", i), "kana": "トリコミ ハナコ",
		"phone": fmt.Sprintf("090-1000-%04d", i%10000), "email": fmt.Sprintf("import%d@example.jp", i), "prefecture": "東京都",
		"city": "新宿区", "max_commute_minutes": "45", "accepts_bus": "true", "desired_hourly_wage": "1600",
		"desired_job_categories": "一般事務;データ入力", "available_from": "2027-01-04", "employment": "FIXED_TERM",
		"skills":       `[{"name":"Excel","level":3,"years":2.5},{"name":"Word","level":2,"years":1}]`,
		"work_history": `[{"company":"株式会社サンプル商事","jobCategory":"一般事務","startDate":"2019-04-01","endDate":"2021-03-31","kind":"DISPATCHED","taskTags":["データ入力","電話応対"],"tasks":"請求書の入力、電話応対"}]`,
	}
	for k, x := range changes {
		v[k] = x
	}
	out := make([]string, len(regHeader))
	for i, h := range regHeader {
		out[i] = v[h]
	}
	return out
}

func regFile(prefix string, n int, bad map[int]map[string]string) string {
	rows := make([][]string, n)
	for i := range rows {
		rows[i] = regRow(prefix, i, bad[i])
	}
	return csvText(regHeader, rows)
}

func (f *fixture) keyed(t testing.TB, prefix string) []*ent.Registrant {
	t.Helper()
	return f.db.Client.Registrant.Query().Where(registrant.ExternalKeyHasPrefix(prefix + "-")).
		WithSkills().WithWorkHistories().Order(ent.Asc(registrant.FieldID)).AllX(f.sys)
}

func lines(j *ent.ImportJob) []int {
	var out []int
	for _, e := range j.Errors {
		if !slices.Contains(out, e.Line) {
			out = append(out, e.Line)
		}
	}
	sort.Ints(out)
	return out
}

// TestImportReportsBadLines: a file with 3 bad rows reports exactly those 3 lines (with the column
// at fault), and imports nothing — or, in VALID_ROWS mode, the other rows with their skills and
// work history. The refusals come from parsing (a bad date), the ent validators (a prefecture), the
// registrant rules of the single-row API (a skill listed twice) and a duplicate key.
func TestImportReportsBadLines(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			// Data rows start on line 2: row i is on line i+2.
			bad := map[int]map[string]string{
				1: {"prefecture": "東京"},                                                  // line 3: not a prefecture (ent validator)
				4: {"available_from": "2027/01/04", "desired_hourly_wage": "1,600"},      // line 6: two bad cells, one row
				7: {"skills": `[{"name":"Excel","level":3},{"name":"excel","level":1}]`}, // line 9: listed twice
			}
			text := regFile("bad", 10, bad)
			for _, tc := range []struct {
				mode     importjob.Mode
				status   importjob.Status
				imported int
			}{
				{importjob.ModeALL_OR_NOTHING, importjob.StatusFAILED, 0},
				{importjob.ModeVALID_ROWS, importjob.StatusDONE, 7},
			} {
				t.Run(string(tc.mode), func(t *testing.T) {
					before, _ := f.db.DataVersion(context.Background())
					j := f.importText(t, f.coord, importjob.KindREGISTRANTS, tc.mode, text)
					if got := lines(j); !slices.Equal(got, []int{3, 6, 9}) {
						t.Fatalf("report lines %v, want [3 6 9]: %+v", got, j.Errors)
					}
					cols := map[int][]string{}
					for _, e := range j.Errors {
						cols[e.Line] = append(cols[e.Line], e.Column)
					}
					if !slices.Equal(cols[3], []string{"prefecture"}) || !slices.Contains(cols[6], "available_from") ||
						!slices.Contains(cols[6], "desired_hourly_wage") || !slices.Equal(cols[9], []string{"skills"}) {
						t.Errorf("columns %v", cols)
					}
					if j.Status != tc.status || j.Failed != 3 || j.Total != 10 || j.Done != 10 || j.Imported != tc.imported {
						t.Errorf("job %s failed=%d total=%d done=%d imported=%d: %s", j.Status, j.Failed, j.Total, j.Done, j.Imported, j.Message)
					}
					rows := f.keyed(t, "bad")
					if len(rows) != tc.imported {
						t.Fatalf("%d registrants stored, want %d", len(rows), tc.imported)
					}
					if tc.imported == 0 {
						if after, _ := f.db.DataVersion(context.Background()); after != before {
							t.Errorf("data version %d -> %d: a refused file wrote domain rows", before, after)
						}
						return
					}
					for _, r := range rows {
						if len(r.Edges.Skills) != 2 || len(r.Edges.WorkHistories) != 1 || r.AgencyID != viewer(f.coord).AgencyID {
							t.Errorf("%s: %d skills, %d history entries, agency %d", *r.ExternalKey, len(r.Edges.Skills),
								len(r.Edges.WorkHistories), r.AgencyID)
						}
					}
					// Stored as the job says, and readable by the one who started it.
					stored, err := f.svc.Job(f.coord, j.ID)
					if err != nil || stored.Status != importjob.StatusDONE || stored.Imported != 7 || len(stored.Errors) != 4 {
						t.Errorf("stored job: %+v %v", stored, err)
					}
				})
			}
		})
	}
}

// TestImportTwiceChangesNothing: importing the same file again writes nothing (every row counted
// unchanged, no updated_at moves, the skills and history rows are the same rows, the data version
// is the same); a file changing two rows updates exactly those, and only what changed.
func TestImportTwiceChangesNothing(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			text := regFile("twice", 20, nil)
			first := f.importText(t, f.admin, importjob.KindREGISTRANTS, "", text)
			if first.Status != importjob.StatusDONE || first.Imported != 20 || first.Failed != 0 {
				t.Fatalf("first import: %+v", first)
			}
			type state struct {
				updated  time.Time
				children string
			}
			snapshot := func() map[string]state {
				out := map[string]state{}
				for _, r := range f.keyed(t, "twice") {
					var ids []string
					for _, s := range r.Edges.Skills {
						ids = append(ids, fmt.Sprint(s.ID))
					}
					for _, w := range r.Edges.WorkHistories {
						ids = append(ids, fmt.Sprint(w.ID))
					}
					out[*r.ExternalKey] = state{r.UpdatedAt, strings.Join(ids, ",")}
				}
				return out
			}
			before := snapshot()
			version, _ := f.db.DataVersion(context.Background())
			time.Sleep(10 * time.Millisecond) // an update would move updated_at
			again := f.importText(t, f.coord, importjob.KindREGISTRANTS, "", text)
			if again.Status != importjob.StatusDONE || again.Imported != 0 || again.Updated != 0 || again.Unchanged != 20 {
				t.Fatalf("second import: %s imported=%d updated=%d unchanged=%d %v", again.Status, again.Imported,
					again.Updated, again.Unchanged, again.Errors)
			}
			if after := snapshot(); !equalStates(before, after) {
				t.Errorf("the second import changed rows:\n%v\n%v", before, after)
			}
			if v, _ := f.db.DataVersion(context.Background()); v != version {
				t.Errorf("data version %d -> %d after an import that changed nothing", version, v)
			}

			// Two rows change: one field of one, the skills of the other.
			changed := regFile("twice", 20, map[int]map[string]string{
				3: {"city": "渋谷区"},
				8: {"skills": `[{"name":"Excel","level":4,"years":3}]`},
			})
			third := f.importText(t, f.coord, importjob.KindREGISTRANTS, importjob.ModeVALID_ROWS, changed)
			if third.Updated != 2 || third.Unchanged != 18 || third.Imported != 0 {
				t.Fatalf("changed import: updated=%d unchanged=%d imported=%d %v", third.Updated, third.Unchanged, third.Imported, third.Errors)
			}
			after := snapshot()
			for k, b := range before {
				a := after[k]
				switch k {
				case "twice-00003":
					if !a.updated.After(b.updated) || a.children != b.children {
						t.Errorf("%s: city changed, want updated_at moved and the same skills: %v -> %v", k, b, a)
					}
				case "twice-00008":
					if a.children == b.children {
						t.Errorf("%s: skills replaced, want new skill rows", k)
					}
				default:
					if a != b {
						t.Errorf("%s changed: %v -> %v", k, b, a)
					}
				}
			}
			r := f.db.Client.Registrant.Query().Where(registrant.ExternalKey("twice-00008")).WithSkills().OnlyX(f.sys)
			if len(r.Edges.Skills) != 1 || r.Edges.Skills[0].Level != 4 {
				t.Errorf("skills after replace: %+v", r.Edges.Skills)
			}
		})
	}
}

func equalStates[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestImportEncodings: the same rows as UTF-8 with and without a BOM and as Shift_JIS import alike;
// a file that is no supported encoding is refused as a whole, naming the line.
func TestImportEncodings(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			sjis := func(s string) []byte {
				b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			for _, tc := range []struct {
				name, prefix string
				enc          bulk.Encoding
				data         func(string) []byte
				want         string
			}{
				{"utf8", "u8", "", func(s string) []byte { return []byte(s) }, "UTF-8"},
				{"utf8 bom", "bom", "", func(s string) []byte { return append([]byte("\ufeff"), s...) }, "UTF-8 (BOM)"},
				{"shift_jis", "sjis", "", sjis, "Shift_JIS"},
				{"shift_jis named", "sjis2", bulk.EncodingShiftJIS, sjis, "Shift_JIS"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					j := f.importBytes(t, f.coord, tc.enc, tc.data(regFile(tc.prefix, 3, nil)))
					if j.Status != importjob.StatusDONE || j.Imported != 3 || j.Encoding != tc.want {
						t.Fatalf("%s: %s imported=%d encoding=%q %v", tc.name, j.Status, j.Imported, j.Encoding, j.Errors)
					}
					r := f.keyed(t, tc.prefix)[0]
					if r.Name != "取込 花子0" || r.Kana != "トリコミ ハナコ" || r.Edges.WorkHistories[0].Company != "株式会社サンプル商事" {
						t.Errorf("%s: read %q %q %q", tc.name, r.Name, r.Kana, r.Edges.WorkHistories[0].Company)
					}
				})
			}
			// Shift_JIS bytes said to be UTF-8; UTF-16; bytes that are neither.
			file := regFile("nope", 3, nil)
			for _, tc := range []struct {
				name string
				enc  bulk.Encoding
				data []byte
				line int
			}{
				{"shift_jis as utf8", bulk.EncodingUTF8, sjis(file), 2},
				{"utf16", "", []byte{0xFF, 0xFE, 'e', 0, 'x', 0}, 1},
				{"garbage", "", append([]byte("external_key,name\nk,"), 0x80, 0xFF, 0xFE), 2},
			} {
				j := f.importBytes(t, f.coord, tc.enc, tc.data)
				if j.Status != importjob.StatusFAILED || len(j.Errors) != 1 || j.Errors[0].Line != tc.line || j.Imported != 0 {
					t.Errorf("%s: %s %+v", tc.name, j.Status, j.Errors)
				}
			}
			if n := len(f.keyed(t, "nope")); n != 0 {
				t.Errorf("%d rows of refused files stored", n)
			}
		})
	}
}

// TestExportImportRoundTrip: the demo agency's registrants and postings exported and imported again
// are unchanged (nothing written, the data version unmoved), in UTF-8 and in Shift_JIS; the export
// has the documented header and one row per exported registrant or posting.
func TestExportImportRoundTrip(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			for _, tc := range []struct {
				kind importjob.Kind
				ctx  context.Context
				enc  bulk.Encoding
			}{
				{importjob.KindREGISTRANTS, f.coord, ""},
				{importjob.KindREGISTRANTS, f.admin, bulk.EncodingShiftJIS},
				{importjob.KindPOSTINGS, f.admin, ""},
				{importjob.KindPOSTINGS, f.sales, bulk.EncodingShiftJIS},
			} {
				t.Run(fmt.Sprintf("%s/%s/%s", tc.kind, viewer(tc.ctx).Role, tc.enc), func(t *testing.T) {
					var out bytes.Buffer
					if err := f.svc.Export(tc.ctx, tc.kind, tc.enc, &out); err != nil {
						t.Fatal(err)
					}
					text, _, err := bulk.Decode(out.Bytes(), tc.enc)
					if err != nil {
						t.Fatal(err)
					}
					recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					want := bulk.RegistrantHeader()
					n := f.db.Client.Registrant.Query().Where(registrant.AgencyID(viewer(tc.ctx).AgencyID), registrant.AnonymizedAtIsNil()).CountX(f.sys)
					if tc.kind == importjob.KindPOSTINGS {
						want = bulk.PostingHeader()
						q := f.db.Client.Posting.Query().Where(posting.AgencyID(viewer(tc.ctx).AgencyID))
						if v := viewer(tc.ctx); v.Role == auth.RoleSalesRep {
							q = q.Where(posting.AccountRepID(v.ProfileID))
						}
						n = q.CountX(f.sys)
					}
					if !slices.Equal(recs[0], want) || len(recs)-1 != n || n == 0 {
						t.Fatalf("export: header %v, %d rows (want %d)", recs[0], len(recs)-1, n)
					}
					version, _ := f.db.DataVersion(context.Background())
					j, err := f.svc.Import(tc.ctx, bulk.Request{Kind: tc.kind, Encoding: tc.enc, File: bytes.NewReader(out.Bytes())})
					if err != nil {
						t.Fatal(err)
					}
					if j.Status != importjob.StatusDONE || j.Unchanged != n || j.Imported+j.Updated+j.Failed != 0 {
						t.Fatalf("re-import: %s unchanged=%d/%d imported=%d updated=%d failed=%d %+v", j.Status, j.Unchanged, n,
							j.Imported, j.Updated, j.Failed, firstErrors(j))
					}
					if v, _ := f.db.DataVersion(context.Background()); v != version {
						t.Errorf("data version %d -> %d: the round trip wrote", version, v)
					}
				})
			}
		})
	}
}

func firstErrors(j *ent.ImportJob) []report.Line { return j.Errors[:min(5, len(j.Errors))] }

// TestImportScope: who imports and exports what, in which agency. Registrants: admins and
// coordinators; postings: admins and sales reps, a rep only their own; jobs read by their starter and
// the agency's admins; keys are per agency.
func TestImportScope(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			text := regFile("scope", 2, nil)
			jobs := func() int { return f.db.Client.ImportJob.Query().CountX(f.sys) }
			for _, tc := range []struct {
				name string
				ctx  context.Context
				kind importjob.Kind
				want error
			}{
				{"anonymous", context.Background(), importjob.KindREGISTRANTS, access.ErrNoViewer},
				{"sales rep, registrants", f.sales, importjob.KindREGISTRANTS, bulk.ErrRegistrantsScope},
				{"registrant, registrants", f.reg, importjob.KindREGISTRANTS, bulk.ErrRegistrantsScope},
				{"coordinator, postings", f.coord, importjob.KindPOSTINGS, bulk.ErrPostingsScope},
				{"registrant, postings", f.reg, importjob.KindPOSTINGS, bulk.ErrPostingsScope},
			} {
				n := jobs()
				_, err := f.svc.Start(tc.ctx, bulk.Request{Kind: tc.kind, Text: &text})
				if !errors.Is(err, tc.want) {
					t.Errorf("import as %s: %v, want %v", tc.name, err, tc.want)
				}
				if err := f.svc.Export(tc.ctx, tc.kind, "", &bytes.Buffer{}); !errors.Is(err, tc.want) {
					t.Errorf("export as %s: %v, want %v", tc.name, err, tc.want)
				}
				if jobs() != n {
					t.Errorf("%s: a refused import recorded a job", tc.name)
				}
			}
			f.svc.Wait()

			// The same keys in two agencies are two registrants; neither import touches the other's.
			a := f.importText(t, f.coord, importjob.KindREGISTRANTS, "", text)
			b := f.importText(t, f.other, importjob.KindREGISTRANTS, "", text)
			if a.Imported != 2 || b.Imported != 2 {
				t.Fatalf("per-agency keys: demo imported %d, direct %d (%v %v)", a.Imported, b.Imported, a.Errors, b.Errors)
			}
			perAgency := map[int]int{}
			for _, r := range f.keyed(t, "scope") {
				perAgency[r.AgencyID]++
			}
			if perAgency[viewer(f.coord).AgencyID] != 2 || perAgency[viewer(f.other).AgencyID] != 2 {
				t.Errorf("registrants per agency: %v", perAgency)
			}

			// Rows named by the API id: one of another agency is not found; one who deleted her account
			// is not imported again; one of the agency is updated (and takes the row's key).
			direct := f.db.Client.Registrant.Query().Where(registrant.AgencyID(viewer(f.other).AgencyID)).FirstX(f.sys)
			demo := f.db.Client.Registrant.Query().Where(registrant.AgencyID(viewer(f.coord).AgencyID), registrant.ExternalKeyIsNil()).
				AllX(f.sys)
			f.db.Client.Registrant.UpdateOne(demo[0]).SetAnonymizedAt(time.Now()).ExecX(f.sys)
			byID := csvText([]string{"external_key", "id", "city"}, [][]string{
				{"", fmt.Sprint(direct.ID), "港区"}, {"", fmt.Sprint(demo[0].ID), "港区"}, {"adopted", fmt.Sprint(demo[1].ID), "港区"},
			})
			j := f.importText(t, f.coord, importjob.KindREGISTRANTS, importjob.ModeVALID_ROWS, byID)
			if !slices.Equal(lines(j), []int{2, 3}) || j.Updated != 1 || j.Errors[0].Column != "id" {
				t.Fatalf("rows by id: lines %v updated %d %+v", lines(j), j.Updated, j.Errors)
			}
			if got := f.db.Client.Registrant.GetX(f.sys, direct.ID); got.City == "港区" {
				t.Error("another agency's registrant was updated")
			}
			if got := f.db.Client.Registrant.GetX(f.sys, demo[1].ID); got.City != "港区" || got.ExternalKey == nil || *got.ExternalKey != "adopted" {
				t.Errorf("row by id: city %q key %v", got.City, got.ExternalKey)
			}

			// Jobs: the starter and the agency's admins; not another coordinator, nor another agency.
			for _, tc := range []struct {
				name string
				ctx  context.Context
				ok   bool
			}{
				{"starter", f.coord, true}, {"admin", f.admin, true}, {"other coordinator", f.coord2, false},
				{"other agency's admin", f.other, false}, {"sales rep", f.sales, false},
			} {
				_, err := f.svc.Job(tc.ctx, a.ID)
				if tc.ok != (err == nil) || (!tc.ok && !errors.Is(err, bulk.ErrNotFound)) {
					t.Errorf("job as %s: %v", tc.name, err)
				}
			}
			if _, err := f.svc.Job(f.reg, a.ID); !errors.Is(err, bulk.ErrStaffOnly) {
				t.Errorf("job as registrant: %v", err)
			}
			mine, _ := f.svc.Jobs(f.coord2, nil, 0)
			all, _ := f.svc.Jobs(f.admin, nil, 0)
			if len(mine) != 0 || len(all) != 2 || all[1].ID != a.ID {
				t.Errorf("jobs: other coordinator %d, admin %d", len(mine), len(all))
			}

			// Postings: a sales rep imports their own; another rep's posting, another rep as account rep
			// and another agency's org unit are refused rows.
			rep := viewer(f.sales).ProfileID
			demoUnit := f.db.Client.OrgUnit.Query().Where(orgunit.AgencyID(viewer(f.sales).AgencyID)).FirstIDX(f.sys)
			directUnit := f.db.Client.OrgUnit.Query().Where(orgunit.AgencyID(viewer(f.other).AgencyID)).FirstIDX(f.sys)
			theirs := f.db.Client.Posting.Query().Where(posting.AgencyID(viewer(f.sales).AgencyID), posting.AccountRepIDNEQ(rep)).FirstX(f.sys)
			f.db.Client.Posting.UpdateOne(theirs).SetExternalKey("theirs").ExecX(f.sys)
			head := []string{"external_key", "org_unit_id", "account_rep_id", "title", "job_category", "hourly_wage", "prefecture"}
			row := func(key string, unit, accountRep int) []string {
				r := ""
				if accountRep != 0 {
					r = fmt.Sprint(accountRep)
				}
				return []string{key, fmt.Sprint(unit), r, "取込 " + key, "一般事務", "1500", "東京都"}
			}
			posts := csvText(head, [][]string{
				row("mine", demoUnit, 0), row("mine-too", demoUnit, rep), row("theirs", demoUnit, 0),
				row("handed", demoUnit, theirs.AccountRepID), row("elsewhere", directUnit, 0),
			})
			j = f.importText(t, f.sales, importjob.KindPOSTINGS, importjob.ModeVALID_ROWS, posts)
			if !slices.Equal(lines(j), []int{4, 5, 6}) || j.Imported != 2 {
				t.Fatalf("rep's postings: lines %v imported %d: %+v", lines(j), j.Imported, j.Errors)
			}
			for _, key := range []string{"mine", "mine-too"} {
				p := f.db.Client.Posting.Query().Where(posting.ExternalKey(key)).OnlyX(f.sys)
				if p.AccountRepID != rep || p.Status != posting.StatusDRAFT {
					t.Errorf("%s: rep %d status %s", key, p.AccountRepID, p.Status)
				}
			}
			if got := f.db.Client.Posting.GetX(f.sys, theirs.ID); got.Title != theirs.Title {
				t.Errorf("another rep's posting changed: %q", got.Title)
			}
			// The sales rep's export holds their postings only.
			var out bytes.Buffer
			if err := f.svc.Export(f.sales, importjob.KindPOSTINGS, "", &out); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), "theirs") || !strings.Contains(out.String(), "mine-too") {
				t.Errorf("rep's export: %q", out.String()[:min(300, out.Len())])
			}
		})
	}
}

// TestImportPostingHooks: postings go through the posting hooks in the import's transaction: an
// OPEN posting below its prefecture's minimum wage is a refused row (ALL_OR_NOTHING: nothing
// imported), and opened postings write their webhook events with the rows.
func TestImportPostingHooks(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			v := viewer(f.admin)
			unit := f.db.Client.OrgUnit.Query().Where(orgunit.AgencyID(v.AgencyID)).FirstIDX(f.sys)
			rep := viewer(f.sales).ProfileID
			f.db.Client.WebhookEndpoint.Create().SetAgencyID(v.AgencyID).SetURL("https://hooks.example.jp/x").
				SetSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").SetEventTypes([]string{"posting.opened"}).ExecX(f.sys)
			head := []string{"external_key", "org_unit_id", "account_rep_id", "status", "title", "job_category", "hourly_wage", "prefecture"}
			row := func(key string, wage int) []string {
				return []string{key, fmt.Sprint(unit), fmt.Sprint(rep), "OPEN", "募集 " + key, "一般事務", fmt.Sprint(wage), "東京都"}
			}
			file := csvText(head, [][]string{row("ok-1", 1600), row("low", 500), row("ok-2", 1700)})
			j := f.importText(t, f.admin, importjob.KindPOSTINGS, "", file)
			if j.Status != importjob.StatusFAILED || !slices.Equal(lines(j), []int{3}) || j.Errors[0].Column != "hourly_wage" {
				t.Fatalf("below the minimum wage: %s %+v", j.Status, j.Errors)
			}
			if n := f.db.Client.Posting.Query().Where(posting.ExternalKeyIn("ok-1", "ok-2")).CountX(f.sys); n != 0 {
				t.Fatalf("ALL_OR_NOTHING stored %d postings", n)
			}
			if n := f.db.Client.WebhookEvent.Query().CountX(f.sys); n != 0 {
				t.Fatalf("rolled-back import left %d webhook events", n)
			}
			j = f.importText(t, f.admin, importjob.KindPOSTINGS, importjob.ModeVALID_ROWS, file)
			if j.Status != importjob.StatusDONE || j.Imported != 2 || !slices.Equal(lines(j), []int{3}) {
				t.Fatalf("valid rows: %s imported=%d %+v", j.Status, j.Imported, j.Errors)
			}
			if n := f.db.Client.WebhookEvent.Query().CountX(f.sys); n != 2 {
				t.Errorf("%d webhook events for 2 opened postings", n)
			}
		})
	}
}

// TestImportProgress: a job started in the background answers QUEUED at once; its progress (done of
// total) is read by Job and streamed by Progress from the bus until DONE.
func TestImportProgress(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			f := newFixture(t, kind)
			bus := notify.NewLocal()
			t.Cleanup(func() { bus.Close() })
			f.svc.Publisher, f.svc.Subscriber, f.svc.BatchRows = bus, bus, 50
			text := regFile("progress", 300, nil)
			j, err := f.svc.Start(f.coord, bulk.Request{Kind: importjob.KindREGISTRANTS, Mode: importjob.ModeVALID_ROWS, Text: &text})
			if err != nil {
				t.Fatal(err)
			}
			if j.Status != importjob.StatusQUEUED {
				t.Errorf("started: %s", j.Status)
			}
			ctx, cancel := context.WithTimeout(f.coord, time.Minute)
			defer cancel()
			states, err := f.svc.Progress(ctx, j.ID)
			if err != nil {
				t.Fatal(err)
			}
			var seen []*ent.ImportJob
			for s := range states {
				seen = append(seen, s)
			}
			f.svc.Wait()
			last := seen[len(seen)-1]
			if last.Status != importjob.StatusDONE || last.Done != 300 || last.Total != 300 || last.Imported != 300 {
				t.Fatalf("last state: %+v", last)
			}
			for i := 1; i < len(seen); i++ {
				if seen[i].Done < seen[i-1].Done {
					t.Errorf("done went back: %d -> %d", seen[i-1].Done, seen[i].Done)
				}
			}
			if len(seen) < 3 {
				t.Errorf("only %d states for 6 batches", len(seen))
			}
			if _, err := f.svc.Progress(f.coord2, j.ID); !errors.Is(err, bulk.ErrNotFound) {
				t.Errorf("another coordinator's progress: %v", err)
			}
			got, err := f.svc.Job(f.coord, j.ID)
			if err != nil || got.Done != 300 || got.FinishedAt == nil {
				t.Errorf("job after: %+v %v", got, err)
			}
		})
	}
}

// TestDecode: the encoding rules without a database.
func TestDecode(t *testing.T) {
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("名前,都道府県\n山田,東京都\n")
	for _, tc := range []struct {
		name, in string
		enc      bulk.Encoding
		want     string
		used     string
		fails    bool
	}{
		{"ascii", "a,b\n", "", "a,b\n", "UTF-8", false},
		{"bom", "\ufeff名前\n", "", "名前\n", "UTF-8 (BOM)", false},
		{"sjis", sjis, "", "名前,都道府県\n山田,東京都\n", "Shift_JIS", false},
		{"sjis named utf8", sjis, bulk.EncodingUTF8, "", "", true},
		{"nul", "a\x00b", "", "", "", true},
	} {
		got, used, err := bulk.Decode([]byte(tc.in), tc.enc)
		if (err != nil) != tc.fails || got != tc.want || used != tc.used {
			t.Errorf("%s: %q %q %v", tc.name, got, used, err)
		}
	}
}
