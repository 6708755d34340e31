package matching

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/compliance"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func datep(s string) *time.Time { t := date(s); return &t }

const eps = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) < eps }

// baseRegistrant and basePosting fit each other well; each case changes only what it is about.
func baseRegistrant() Registrant {
	return Registrant{
		ID:                1,
		Prefecture:        "東京都",
		City:              "新宿区",
		NearestStation:    "新宿",
		MaxCommuteMinutes: 60,
		AcceptsBus:        true,
		DesiredHourlyWage: 1500,
		DesiredCategories: []string{"経理事務"},
		AvailableFrom:     datep("2026-04-01"),
		Skills:            []Skill{{Name: "Excel", Level: 4, Years: 5}, {Name: "簿記2級", Level: 3, Years: 2}},
		Experience: []Experience{{
			JobCategory: "経理事務", Industry: "IT", Company: "株式会社アルファ",
			TaskTags: []string{"請求書発行", "仕訳入力", "月次決算補助"}, Months: 36,
		}},
	}
}

func basePosting() Posting {
	return Posting{
		ID:                100,
		JobCategory:       "経理事務",
		Industry:          "製造業",
		Prefecture:        "東京都",
		City:              "新宿区",
		NearestStation:    "新宿",
		TaskTags:          []string{"請求書発行", "仕訳入力", "月次決算補助"},
		RequiredSkills:    []string{"Excel", "簿記2級"},
		HourlyWage:        1500,
		WalkMinutes:       0,
		StartDate:         datep("2026-04-01"),
		ClientLegalEntity: "1234567890123",
	}
}

func baseContext() Context { return Context{Now: date("2026-03-01")} }

// component returns the explanation of one component.
func component(t *testing.T, m Match, name string) Explanation {
	t.Helper()
	for _, e := range m.Explanations {
		if e.Component == name {
			return e
		}
	}
	t.Fatalf("no %s explanation in %+v", name, m.Explanations)
	return Explanation{}
}

type componentCase struct {
	name     string
	r        func(*Registrant)
	p        func(*Posting)
	c        func(*Context)
	want     float64
	wantText string // substring; empty: not checked
}

func runComponent(t *testing.T, comp string, cases []componentCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, p, c := baseRegistrant(), basePosting(), baseContext()
			if tc.r != nil {
				tc.r(&r)
			}
			if tc.p != nil {
				tc.p(&p)
			}
			if tc.c != nil {
				tc.c(&c)
			}
			e := component(t, Score(r, p, c, DefaultWeights()), comp)
			if !near(e.Value, tc.want) {
				t.Errorf("%s value = %v, want %v (%q)", comp, e.Value, tc.want, e.Text.EN)
			}
			if tc.wantText != "" && !strings.Contains(e.Text.EN, tc.wantText) {
				t.Errorf("%s text = %q, want it to contain %q", comp, e.Text.EN, tc.wantText)
			}
		})
	}
}

func exp(cat string, months int, tags ...string) Experience {
	return Experience{JobCategory: cat, TaskTags: tags, Months: months}
}

func TestExperience(t *testing.T) {
	runComponent(t, ComponentExperience, []componentCase{
		{name: "0 months", r: func(r *Registrant) { r.Experience = nil }, want: 0, wantText: "no experience as 経理事務"},
		{name: "12 months", r: func(r *Registrant) { r.Experience = []Experience{exp("経理事務", 12)} },
			want: 1.0 / 3, wantText: "12 months as 経理事務"},
		{name: "1 month", r: func(r *Registrant) { r.Experience = []Experience{exp("経理事務", 1)} },
			want: 1.0 / 36, wantText: "1 month as 経理事務"},
		{name: "24 months text", r: func(r *Registrant) { r.Experience = []Experience{exp("経理事務", 24)} },
			want: 2.0 / 3, wantText: "24 months as 経理事務"},
		{name: "36 months saturates", r: func(r *Registrant) { r.Experience = []Experience{exp("経理事務", 36)} }, want: 1},
		{name: "120 months saturates", r: func(r *Registrant) { r.Experience = []Experience{exp("経理事務", 120)} },
			want: 1, wantText: "120 months as 経理事務"},
		{name: "rows in the category add up", r: func(r *Registrant) {
			r.Experience = []Experience{exp("経理事務", 10), exp("経理事務", 8)}
		}, want: 0.5, wantText: "18 months"},
		{name: "other category, same industry and company, counts nothing", r: func(r *Registrant) {
			r.Experience = []Experience{{JobCategory: "営業事務", Industry: "製造業", Company: "1234567890123", Months: 120}}
		}, want: 0},
		{name: "only the matching row counts", r: func(r *Registrant) {
			r.Experience = []Experience{exp("営業事務", 120), exp("経理事務", 9)}
		}, want: 0.25},
		{name: "category compared ignoring case, width and spaces", r: func(r *Registrant) {
			r.Experience = []Experience{exp(" ｏｆｆｉｃｅ　admin ", 18)}
		}, p: func(p *Posting) { p.JobCategory = "Office Admin" }, want: 0.5},
		{name: "negative months ignored", r: func(r *Registrant) {
			r.Experience = []Experience{exp("経理事務", -50), exp("経理事務", 18)}
		}, want: 0.5},
		{name: "posting without category is neutral", p: func(p *Posting) { p.JobCategory = "" }, want: 0.5},
	})
}

func TestTasks(t *testing.T) {
	runComponent(t, ComponentTasks, []componentCase{
		{name: "all match", want: 1, wantText: "3 of 3 task tags match"},
		{name: "3 of 4", p: func(p *Posting) {
			p.TaskTags = []string{"請求書発行", "仕訳入力", "月次決算補助", "給与計算"}
		}, want: 0.75, wantText: "3 of 4 task tags match: 請求書発行, 仕訳入力, 月次決算補助; missing: 給与計算"},
		{name: "none match", r: func(r *Registrant) {
			r.Experience = []Experience{exp("経理事務", 36, "受発注", "電話応対")}
		}, want: 0, wantText: "0 of 3 task tags match; missing: 請求書発行"},
		{name: "no experience", r: func(r *Registrant) { r.Experience = nil }, want: 0},
		{name: "posting has no tags: neutral", p: func(p *Posting) { p.TaskTags = nil },
			want: 0.5, wantText: "no task tags"},
		{name: "blank and repeated posting tags ignored", p: func(p *Posting) {
			p.TaskTags = []string{"請求書発行", " ", "請求書発行 ", "給与計算"}
		}, want: 0.5, wantText: "1 of 2"},
		{name: "union over rows", r: func(r *Registrant) {
			r.Experience = []Experience{exp("経理事務", 12, "請求書発行"), exp("経理事務", 12, "仕訳入力")}
		}, want: 2.0 / 3},
		// A tag is a task actually done; the row's category does not erase it (only industry and
		// company are ignored).
		{name: "tag from another category counts", r: func(r *Registrant) {
			r.Experience = []Experience{exp("営業事務", 12, "請求書発行")}
		}, want: 1.0 / 3},
		{name: "case and width folded", r: func(r *Registrant) {
			r.Experience = []Experience{exp("経理事務", 12, "ＥＸＣＥＬ  vlookup")}
		}, p: func(p *Posting) { p.TaskTags = []string{"Excel VLOOKUP"} }, want: 1},
		{name: "long lists are shortened", p: func(p *Posting) {
			p.TaskTags = []string{"a", "b", "c", "d", "e", "f", "g"}
		}, want: 0, wantText: "missing: a, b, c, d, e, …"},
	})
}

func TestSkills(t *testing.T) {
	strong := func(name string) Skill { return Skill{Name: name, Level: 5, Years: 3} }
	weak := func(name string) Skill { return Skill{Name: name, Level: 0, Years: 0} }
	runComponent(t, ComponentSkills, []componentCase{
		{name: "all covered at full strength", r: func(r *Registrant) {
			r.Skills = []Skill{strong("Excel"), strong("簿記2級")}
		}, want: 1, wantText: "2 of 2 required skills"},
		{name: "covered at no strength earns the base", r: func(r *Registrant) {
			r.Skills = []Skill{weak("Excel"), weak("簿記2級")}
		}, want: 0.8},
		{name: "level and years weigh a little", r: func(r *Registrant) {
			r.Skills = []Skill{{Name: "Excel", Level: 5, Years: 0}, {Name: "簿記2級", Level: 0, Years: 1.5}}
		}, want: (0.8 + 0.2*0.5 + 0.8 + 0.2*0.25) / 2},
		{name: "strength capped", r: func(r *Registrant) {
			r.Skills = []Skill{{Name: "Excel", Level: 9, Years: 40}, strong("簿記2級")}
		}, want: 1},
		{name: "half covered", r: func(r *Registrant) { r.Skills = []Skill{strong("Excel")} },
			want: 0.5, wantText: "1 of 2 required skills: Excel; missing: 簿記2級"},
		{name: "none covered", r: func(r *Registrant) { r.Skills = nil }, want: 0},
		{name: "case-insensitive name", r: func(r *Registrant) {
			r.Skills = []Skill{strong("EXCEL"), strong("簿記2級")}
		}, want: 1},
		{name: "full-width name", r: func(r *Registrant) {
			r.Skills = []Skill{strong("ｅｘｃｅｌ"), strong("簿記２級")}
		}, want: 1},
		{name: "strongest duplicate wins", r: func(r *Registrant) {
			r.Skills = []Skill{weak("excel"), strong("Excel"), strong("簿記2級")}
		}, want: 1},
		{name: "no required skills: neutral", p: func(p *Posting) { p.RequiredSkills = nil },
			want: 0.5, wantText: "no required skills"},
		{name: "NaN years count as none", r: func(r *Registrant) {
			r.Skills = []Skill{{Name: "Excel", Level: 0, Years: math.NaN()}, weak("簿記2級")}
		}, want: 0.8},
	})
}

func TestWage(t *testing.T) {
	runComponent(t, ComponentWage, []componentCase{
		{name: "exactly desired", want: 1, wantText: "wage 1,500 equals desired 1,500"},
		{name: "above desired", p: func(p *Posting) { p.HourlyWage = 1700 },
			want: 1, wantText: "wage 1,700 is 200 above desired 1,500"},
		{name: "100 below", p: func(p *Posting) { p.HourlyWage = 1400 },
			want: 1 - (100.0/1500)/0.3, wantText: "wage 1,400 is 100 below desired 1,500"},
		{name: "15% below is half", p: func(p *Posting) { p.HourlyWage = 1275 }, want: 0.5},
		{name: "30% below is 0", p: func(p *Posting) { p.HourlyWage = 1050 }, want: 0},
		{name: "1 yen above 30% below is just above 0", p: func(p *Posting) { p.HourlyWage = 1051 },
			want: 1 - (449.0/1500)/0.3},
		{name: "more than 30% below stays 0", p: func(p *Posting) { p.HourlyWage = 900 }, want: 0},
		{name: "no desired wage: neutral", r: func(r *Registrant) { r.DesiredHourlyWage = 0 },
			want: 0.5, wantText: "no desired wage"},
		{name: "no posting wage: neutral", p: func(p *Posting) { p.HourlyWage = 0 }, want: 0.5},
		{name: "thousands separator", r: func(r *Registrant) { r.DesiredHourlyWage = 12000 },
			p: func(p *Posting) { p.HourlyWage = 11000 }, want: 1 - (1000.0/12000)/0.3,
			wantText: "wage 11,000 is 1,000 below desired 12,000"},
	})
}

func TestCommute(t *testing.T) {
	runComponent(t, ComponentCommute, []componentCase{
		{name: "same prefecture and station, no walk", want: 1, wantText: "same nearest station 新宿"},
		{name: "bus required, registrant does not accept bus", r: func(r *Registrant) { r.AcceptsBus = false },
			p: func(p *Posting) { p.BusRequired = true }, want: 0,
			wantText: "bus required but registrant does not accept bus"},
		{name: "bus required, registrant accepts bus", p: func(p *Posting) { p.BusRequired = true },
			want: 1, wantText: "registrant accepts bus"},
		{name: "no bus, registrant does not accept bus", r: func(r *Registrant) { r.AcceptsBus = false }, want: 1},
		{name: "walk == max", p: func(p *Posting) { p.WalkMinutes = 60 }, want: 0.5, wantText: "walk 60 of max 60"},
		{name: "walk == max+1", p: func(p *Posting) { p.WalkMinutes = 61 }, want: 0, wantText: "exceeds max commute 60"},
		{name: "walk a quarter of max", p: func(p *Posting) { p.WalkMinutes = 15 }, want: 0.875},
		{name: "no max stated: walk not penalised", r: func(r *Registrant) { r.MaxCommuteMinutes = 0 },
			p: func(p *Posting) { p.WalkMinutes = 90 }, want: 1, wantText: "no max commute stated"},
		{name: "same city, other station", p: func(p *Posting) { p.NearestStation = "西新宿" },
			want: 0.8, wantText: "same city 新宿区"},
		{name: "same prefecture only", p: func(p *Posting) { p.NearestStation, p.City = "渋谷", "渋谷区" },
			want: 0.6, wantText: "same prefecture 東京都"},
		{name: "station with and without 駅", p: func(p *Posting) { p.NearestStation = "新宿駅" }, want: 1},
		{name: "other prefecture, same station name gets no bonus", r: func(r *Registrant) {
			r.Prefecture, r.City, r.NearestStation = "広島県", "府中町", "府中"
		}, p: func(p *Posting) { p.City, p.NearestStation = "府中市", "府中" }, want: 0.2, wantText: "other prefecture"},
		{name: "unknown prefecture, same station", r: func(r *Registrant) { r.Prefecture = "" }, want: 0.8},
		{name: "unknown prefecture, nothing shared", r: func(r *Registrant) { r.Prefecture, r.City, r.NearestStation = "", "", "" },
			want: 0.4},
		{name: "negative walk counts as 0", p: func(p *Posting) { p.WalkMinutes = -5 }, want: 1},
	})
}

func TestAvailability(t *testing.T) {
	runComponent(t, ComponentAvailability, []componentCase{
		{name: "on the start date", want: 1, wantText: "by start 2026-04-01"},
		{name: "before the start", r: func(r *Registrant) { r.AvailableFrom = datep("2026-03-01") }, want: 1},
		{name: "available now (nil)", r: func(r *Registrant) { r.AvailableFrom = nil }, want: 1},
		{name: "posting without start", p: func(p *Posting) { p.StartDate = nil },
			r: func(r *Registrant) { r.AvailableFrom = datep("2027-01-01") }, want: 1},
		{name: "1 day late", r: func(r *Registrant) { r.AvailableFrom = datep("2026-04-02") },
			want: 1 - 1.0/60, wantText: "1 day after start"},
		{name: "30 days late", r: func(r *Registrant) { r.AvailableFrom = datep("2026-05-01") },
			want: 0.5, wantText: "30 days after start 2026-04-01"},
		{name: "59 days late", r: func(r *Registrant) { r.AvailableFrom = datep("2026-05-30") }, want: 1.0 / 60},
		{name: "60 days late", r: func(r *Registrant) { r.AvailableFrom = datep("2026-05-31") }, want: 0},
		{name: "90 days late", r: func(r *Registrant) { r.AvailableFrom = datep("2026-06-30") }, want: 0},
		{name: "time of day and zone ignored", r: func(r *Registrant) {
			t := time.Date(2026, 4, 1, 23, 30, 0, 0, time.FixedZone("JST", 9*3600))
			r.AvailableFrom = &t
		}, want: 1},
		// The posting should have started a month ago and is still open: lateness counts from today.
		{name: "start passed: counts from now", r: func(r *Registrant) { r.AvailableFrom = datep("2026-05-01") },
			c: func(c *Context) { c.Now = date("2026-04-16") }, want: 0.75, wantText: "after today 2026-04-16"},
		{name: "start passed, available now", r: func(r *Registrant) { r.AvailableFrom = datep("2026-04-10") },
			c: func(c *Context) { c.Now = date("2026-04-16") }, want: 1},
		{name: "zero Now leaves the start alone", r: func(r *Registrant) { r.AvailableFrom = datep("2026-05-01") },
			c: func(c *Context) { c.Now = time.Time{} }, want: 0.5},
	})
}

func TestComplianceComponent(t *testing.T) {
	block := compliance.Finding{Rule: compliance.RuleFormerDirectEmployee, Severity: compliance.Block}
	warn := compliance.Finding{Rule: compliance.RuleDayLabourExempt, Severity: compliance.Warn}
	for _, tc := range []struct {
		name        string
		findings    []compliance.Finding
		want        float64
		wantBlocked bool
		wantText    string
	}{
		{"no findings", nil, 1, false, "no compliance findings"},
		{"warning", []compliance.Finding{warn}, 0.5, false, "compliance warnings: DAY_LABOUR_EXEMPT"},
		{"two warnings", []compliance.Finding{warn, warn}, 0.5, false, ""},
		{"unknown severity counts as warning", []compliance.Finding{{Rule: "NEW_RULE", Severity: "INFO"}}, 0.5, false, "NEW_RULE"},
		{"block", []compliance.Finding{block}, 0, true, "blocked by compliance: FORMER_DIRECT_EMPLOYEE"},
		{"block and warning", []compliance.Finding{warn, block}, 0, true, "; warnings: DAY_LABOUR_EXEMPT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Score(baseRegistrant(), basePosting(), Context{Compliance: tc.findings}, DefaultWeights())
			e := component(t, m, ComponentCompliance)
			if !near(e.Value, tc.want) || m.Blocked != tc.wantBlocked {
				t.Errorf("value %v blocked %v, want %v %v", e.Value, m.Blocked, tc.want, tc.wantBlocked)
			}
			if !strings.Contains(e.Text.EN, tc.wantText) {
				t.Errorf("text %q, want it to contain %q", e.Text.EN, tc.wantText)
			}
		})
	}
}

func TestHistory(t *testing.T) {
	runComponent(t, ComponentHistory, []componentCase{
		{name: "no rejection", want: 1},
		{name: "rejected at this client", c: func(c *Context) { c.RejectedAtClientBefore = true }, want: 0,
			wantText: "rejected at this client"},
	})
}

func TestScoreSumsContributions(t *testing.T) {
	r, p := baseRegistrant(), basePosting()
	p.HourlyWage = 1400
	p.WalkMinutes = 15
	r.Experience[0].Months = 12
	w := DefaultWeights()
	m := Score(r, p, baseContext(), w)

	if len(m.Explanations) != len(Components) {
		t.Fatalf("%d explanations, want %d", len(m.Explanations), len(Components))
	}
	var sum float64
	for i, e := range m.Explanations {
		if e.Component != Components[i] {
			t.Errorf("explanation %d is %s, want %s", i, e.Component, Components[i])
		}
		if !near(e.Contribution, e.Weight*e.Value) { // default weights sum to 1
			t.Errorf("%s contribution %v, want %v", e.Component, e.Contribution, e.Weight*e.Value)
		}
		sum += e.Contribution
	}
	if !near(sum, m.Score) {
		t.Errorf("contributions sum to %v, score %v", sum, m.Score)
	}
	// By hand: experience 1/3, wage 1−(100/1500)/0.3, commute 1−0.5·15/60, skills per skillsValue,
	// everything else 1.
	excel := 0.8 + 0.2*((4.0/5)+1)/2
	boki := 0.8 + 0.2*((3.0/5)+(2.0/3))/2
	want := 0.25/3 + 0.25 + 0.15*(excel+boki)/2 + 0.10*(1-(100.0/1500)/0.3) + 0.10*0.875 + 0.05 + 0.05 + 0.05
	if !near(m.Score, want) {
		t.Errorf("score %v, want %v", m.Score, want)
	}
}

func TestWeights(t *testing.T) {
	d := DefaultWeights()
	ws := []float64{d.Experience, d.Tasks, d.Skills, d.Wage, d.Commute, d.Availability, d.Compliance, d.History}
	var sum float64
	for _, w := range ws {
		sum += w
	}
	if !near(sum, 1) {
		t.Errorf("default weights sum to %v", sum)
	}
	for i, w := range ws[2:] {
		if w >= d.Experience || w >= d.Tasks {
			t.Errorf("weight %d (%v) is not below experience and tasks", i+2, w)
		}
	}

	r, p, c := baseRegistrant(), basePosting(), baseContext()
	r.Experience = nil // experience and tasks 0, everything else 1
	r.Skills = []Skill{{Name: "Excel", Level: 5, Years: 3}, {Name: "簿記2級", Level: 5, Years: 3}}
	for _, tc := range []struct {
		name string
		w    Weights
		want float64
	}{
		{"defaults", d, 0.5},
		{"all zero falls back to defaults", Weights{}, 0.5},
		{"negative and NaN count as zero", Weights{Experience: -1, Tasks: math.NaN(), Wage: 1}, 1},
		{"infinite counts as zero", Weights{Experience: math.Inf(1), Wage: 1}, 1},
		{"only ratios matter", Weights{Experience: 3, Wage: 1}, 0.25},
		{"huge weights do not overflow", Weights{Experience: math.MaxFloat64, Wage: math.MaxFloat64}, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Score(r, p, c, tc.w).Score; !near(got, tc.want) {
				t.Errorf("score %v, want %v", got, tc.want)
			}
		})
	}
}

// THE CASE FROM PRACTICE (§1): coordinators who matched on industry and company sent people to
// interviews they failed. A registrant from the posting's industry, even from the very client, but
// in another job category with other tasks, must rank below one with the right category and tasks
// from another industry.
func TestIndustryAloneDoesNotMatch(t *testing.T) {
	p := basePosting() // 経理事務 at a 製造業 client
	p.TaskTags = []string{"請求書発行", "仕訳入力", "月次決算補助", "売掛金管理"}
	sameIndustry := func(months int) Registrant {
		r := baseRegistrant()
		r.ID = 1
		r.Experience = []Experience{
			{JobCategory: "営業事務", Industry: p.Industry, Company: p.ClientLegalEntity, Months: months,
				TaskTags: []string{"受注入力", "納期調整", "電話応対"}},
			{JobCategory: "一般事務", Industry: p.Industry, Company: "山田製作所", Months: months,
				TaskTags: []string{"データ入力", "来客対応"}},
		}
		return r
	}
	rightWork := func(months int, tags ...string) Registrant {
		r := baseRegistrant()
		r.ID = 2
		r.Experience = []Experience{{JobCategory: "経理事務", Industry: "医療", Company: "さくら病院", Months: months, TaskTags: tags}}
		return r
	}
	for _, tc := range []struct {
		name string
		a, b Registrant
	}{
		{"10 years in the industry vs 2 years of the job", sameIndustry(120), rightWork(24, "請求書発行", "仕訳入力", "月次決算補助")},
		{"20 years in the industry vs 6 months of the job", sameIndustry(240), rightWork(6, "請求書発行", "仕訳入力")},
		{"same client vs 1 year with one task", sameIndustry(60), rightWork(12, "仕訳入力")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ma := Score(tc.a, p, baseContext(), DefaultWeights())
			mb := Score(tc.b, p, baseContext(), DefaultWeights())
			for _, comp := range []string{ComponentExperience, ComponentTasks} {
				if v := component(t, ma, comp).Value; v != 0 {
					t.Errorf("A %s = %v, want 0: industry and company must not carry a match", comp, v)
				}
			}
			if ma.Score >= mb.Score {
				t.Errorf("A %.3f ≥ B %.3f", ma.Score, mb.Score)
			}
			ranked := Rank([]Ranked{{tc.a.ID, ma}, {tc.b.ID, mb}})
			if ranked[0].ID != tc.b.ID {
				t.Errorf("ranked %d first, want B (%d)", ranked[0].ID, tc.b.ID)
			}
		})
	}
}

// Industry and company are never read: changing them, even to the posting's own, changes nothing.
func TestIndustryAndCompanyIgnored(t *testing.T) {
	p := basePosting()
	base := baseRegistrant()
	base.Experience = append(base.Experience, exp("営業事務", 40, "受注入力"))
	want := Score(base, p, baseContext(), DefaultWeights())
	for _, tc := range []struct{ industry, company string }{
		{p.Industry, p.ClientLegalEntity}, {"", ""}, {"医療", "さくら病院"},
	} {
		r := baseRegistrant()
		r.Experience = append(r.Experience, exp("営業事務", 40, "受注入力"))
		for i := range r.Experience {
			r.Experience[i].Industry, r.Experience[i].Company = tc.industry, tc.company
		}
		if got := Score(r, p, baseContext(), DefaultWeights()); !reflect.DeepEqual(got, want) {
			t.Errorf("industry %q company %q changed the match:\n got %+v\nwant %+v", tc.industry, tc.company, got, want)
		}
	}
}

// forbiddenName matches field names that carry age, gender or education; forbiddenWord matches
// single camel-case words, so that innocent names containing "age" (Wage, Page, Message) pass.
var (
	forbiddenName = regexp.MustCompile(`(?i)birth|born|gender|education|school|\d+plus|over\d+`)
	forbiddenWord = regexp.MustCompile(`(?i)^(age|ages|aged|sex|dob)$`)
	camelWords    = regexp.MustCompile(`[A-Z]+[a-z]*|[a-z]+|[0-9]+`)
)

// forbiddenFields walks t (through pointers, slices, arrays and maps) and returns the path of every
// struct field whose name, or a word of it, is forbidden.
func forbiddenFields(t reflect.Type) []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(t.Elem(), path)
			return
		case reflect.Map:
			walk(t.Key(), path)
			walk(t.Elem(), path)
			return
		case reflect.Struct:
		default:
			return
		}
		if seen[t] || t == reflect.TypeFor[time.Time]() {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			p := path + "." + f.Name
			bad := forbiddenName.MatchString(f.Name)
			for _, w := range camelWords.FindAllString(f.Name, -1) {
				bad = bad || forbiddenWord.MatchString(w)
			}
			if bad {
				out = append(out, p)
			}
			walk(f.Type, p)
		}
	}
	walk(t, t.Name())
	return out
}

// Matching is age-blind by construction (§8): nothing it takes in can hold age, gender or education.
func TestAgeBlindTypes(t *testing.T) {
	for _, typ := range []reflect.Type{
		reflect.TypeFor[Registrant](), reflect.TypeFor[Posting](), reflect.TypeFor[Context](),
		reflect.TypeFor[Match](), reflect.TypeFor[RegistrantSignal](),
	} {
		if bad := forbiddenFields(typ); len(bad) > 0 {
			t.Errorf("%s has forbidden fields: %v", typ, bad)
		}
	}
}

// The checker itself must catch what it is meant to, and pass innocent names.
func TestForbiddenFieldsChecker(t *testing.T) {
	type inner struct{ DOB string }
	type byName struct{ SexCode string }
	type bad struct {
		BirthDate      time.Time
		Age            int
		AgeYears       int
		Gender         string
		Sex            string
		Education      string
		HighSchool     string
		Is60Plus       bool
		YearBorn       int
		Nested         []*inner
		ByName         map[string]byName
		DesiredWage    int
		Page, Message  string
		Average, Usage float64
	}
	got := forbiddenFields(reflect.TypeFor[bad]())
	want := []string{"bad.BirthDate", "bad.Age", "bad.AgeYears", "bad.Gender", "bad.Sex", "bad.Education",
		"bad.HighSchool", "bad.Is60Plus", "bad.YearBorn", "bad.Nested.DOB", "bad.ByName.SexCode"}
	if !slices.Equal(got, want) {
		t.Errorf("flagged %v\nwant    %v", got, want)
	}
}

func TestRankOrder(t *testing.T) {
	m := func(score float64, blocked bool) Match { return Match{Score: score, Blocked: blocked} }
	for _, tc := range []struct {
		name  string
		items []Ranked
		want  []int
	}{
		{"score desc", []Ranked{{1, m(0.2, false)}, {2, m(0.9, false)}, {3, m(0.5, false)}}, []int{2, 3, 1}},
		{"ties by id asc", []Ranked{{3, m(0.5, false)}, {1, m(0.5, false)}, {2, m(0.9, false)}}, []int{2, 1, 3}},
		{"blocked last despite score", []Ranked{{1, m(0.99, true)}, {2, m(0.1, false)}, {3, m(0.5, true)}}, []int{2, 1, 3}},
		{"NaN score last among unblocked", []Ranked{{1, m(math.NaN(), false)}, {2, m(0, false)}}, []int{2, 1}},
		{"empty", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, r := range Rank(tc.items) {
				got = append(got, r.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// A blocked candidate that otherwise fits perfectly is still returned, marked, and ranked last.
func TestBlockedRankedLast(t *testing.T) {
	good, poor := baseRegistrant(), baseRegistrant()
	good.ID, poor.ID = 1, 2
	poor.Experience, poor.Skills, poor.DesiredHourlyWage = nil, nil, 3000
	p := basePosting()
	blocked := Context{Compliance: []compliance.Finding{{Rule: compliance.RuleIndividual3Y, Severity: compliance.Block}}}
	mGood, mPoor := Score(good, p, blocked, DefaultWeights()), Score(poor, p, Context{}, DefaultWeights())
	if !mGood.Blocked || mPoor.Blocked {
		t.Fatalf("blocked flags: good %v poor %v", mGood.Blocked, mPoor.Blocked)
	}
	if mGood.Score <= mPoor.Score {
		t.Fatalf("test setup: blocked candidate should score higher (%v vs %v)", mGood.Score, mPoor.Score)
	}
	got := Rank([]Ranked{{good.ID, mGood}, {poor.ID, mPoor}})
	if len(got) != 2 || got[0].ID != poor.ID || got[1].ID != good.ID || !got[1].Match.Blocked {
		t.Errorf("ranked %+v, want poor first and the blocked candidate last", got)
	}
}

// Rank's result depends only on the set of items, not their order, and leaves its input alone.
func TestRankDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	scores := []float64{0, 0.25, 0.5, 0.5, 0.75, 1}
	items := make([]Ranked, 300)
	for i := range items {
		items[i] = Ranked{ID: i + 1, Match: Match{Score: scores[rng.IntN(len(scores))], Blocked: rng.IntN(5) == 0}}
	}
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	want := Rank(items)

	for i := 1; i < len(want); i++ {
		a, b := want[i-1], want[i]
		switch {
		case a.Match.Blocked && !b.Match.Blocked:
			t.Fatalf("blocked %d before unblocked %d", a.ID, b.ID)
		case a.Match.Blocked == b.Match.Blocked && a.Match.Score < b.Match.Score:
			t.Fatalf("%d (%v) before higher %d (%v)", a.ID, a.Match.Score, b.ID, b.Match.Score)
		case a.Match.Blocked == b.Match.Blocked && a.Match.Score == b.Match.Score && a.ID > b.ID:
			t.Fatalf("tie %d before %d", a.ID, b.ID)
		}
	}
	for range 50 {
		in := slices.Clone(items)
		rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		before := slices.Clone(in)
		if got := Rank(in); !reflect.DeepEqual(got, want) {
			t.Fatal("Rank depends on input order")
		}
		if !reflect.DeepEqual(in, before) {
			t.Fatal("Rank modified its input")
		}
	}
}

// randomInputs builds arbitrary, often nonsensical, inputs: scores must stay in range regardless.
func randomInputs(rng *rand.Rand) (Registrant, Posting, Context, Weights) {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	tags := func() []string {
		out := make([]string, rng.IntN(6))
		for i := range out {
			out[i] = pick("請求書発行", "仕訳入力", "電話応対", "検品", "", " ", "Excel VLOOKUP", "ｅｘｃｅｌ vlookup")
		}
		return out
	}
	cat := func() string { return pick("経理事務", "営業事務", "軽作業", "", "OFFICE") }
	pref := func() string { return pick("東京都", "神奈川県", "大阪府", "") }
	someDate := func() *time.Time {
		if rng.IntN(4) == 0 {
			return nil
		}
		t := date("2026-01-01").AddDate(0, 0, rng.IntN(400)-100)
		return &t
	}
	num := func() float64 {
		return [...]float64{0, 1, -1, 0.3, 7, math.NaN(), math.Inf(1), math.Inf(-1), 1e300, rng.Float64()}[rng.IntN(10)]
	}
	r := Registrant{
		ID: rng.IntN(1000), Prefecture: pref(), City: pick("新宿区", "", "港区"), NearestStation: pick("新宿", "新宿駅", "品川", ""),
		MaxCommuteMinutes: rng.IntN(130) - 10, AcceptsBus: rng.IntN(2) == 0, DesiredHourlyWage: rng.IntN(4000) - 500,
		AvailableFrom: someDate(),
	}
	for range rng.IntN(4) {
		r.Skills = append(r.Skills, Skill{Name: pick("Excel", "EXCEL", "SAP", ""), Level: rng.IntN(12) - 3, Years: num()})
	}
	for range rng.IntN(5) {
		r.Experience = append(r.Experience, Experience{JobCategory: cat(), Industry: pick("製造業", "IT"),
			Company: pick("A", "B"), TaskTags: tags(), Months: rng.IntN(500) - 50})
	}
	p := Posting{
		ID: rng.IntN(1000), JobCategory: cat(), Prefecture: pref(), City: pick("新宿区", "", "横浜市"),
		NearestStation: pick("新宿", "横浜", ""), TaskTags: tags(), RequiredSkills: tags(),
		HourlyWage: rng.IntN(4000) - 500, WalkMinutes: rng.IntN(150) - 10, BusRequired: rng.IntN(3) == 0,
		StartDate: someDate(),
	}
	var c Context
	for range rng.IntN(3) {
		c.Compliance = append(c.Compliance, compliance.Finding{Rule: "R",
			Severity: compliance.Severity(pick(string(compliance.Block), string(compliance.Warn), "OTHER"))})
	}
	c.RejectedAtClientBefore = rng.IntN(4) == 0
	if rng.IntN(2) == 0 {
		c.Now = date("2026-01-01").AddDate(0, 0, rng.IntN(200))
	}
	w := Weights{num(), num(), num(), num(), num(), num(), num(), num()}
	if rng.IntN(3) == 0 {
		w = DefaultWeights()
	}
	return r, p, c, w
}

func TestScoreAlwaysInRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := range 20000 {
		r, p, c, w := randomInputs(rng)
		m := Score(r, p, c, w)
		describe := func() string { return fmt.Sprintf("case %d: %+v\n%+v\n%+v\n%+v", i, r, p, c, w) }
		if !(m.Score >= 0 && m.Score <= 1) {
			t.Fatalf("score %v out of [0,1]; %s", m.Score, describe())
		}
		if len(m.Explanations) != len(Components) {
			t.Fatalf("%d explanations; %s", len(m.Explanations), describe())
		}
		var sum float64
		for j, e := range m.Explanations {
			if e.Component != Components[j] || !(e.Value >= 0 && e.Value <= 1) || e.Text.EN == "" || e.Text.JA == "" ||
				e.Matched == nil || e.Missing == nil ||
				!(e.Contribution >= 0 && e.Contribution <= 1) {
				t.Fatalf("bad explanation %+v; %s", e, describe())
			}
			sum += e.Contribution
		}
		if math.Abs(sum-m.Score) > 1e-9 {
			t.Fatalf("contributions %v ≠ score %v; %s", sum, m.Score, describe())
		}
		wantBlocked := slices.ContainsFunc(c.Compliance, func(f compliance.Finding) bool { return f.Severity == compliance.Block })
		if m.Blocked != wantBlocked {
			t.Fatalf("blocked %v, want %v; %s", m.Blocked, wantBlocked, describe())
		}
	}
}

func TestYen(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {1400, "1,400"}, {123456, "123,456"}, {1234567, "1,234,567"}, {-1500, "-1,500"}} {
		if got := yen(tc.n); got != tc.want {
			t.Errorf("yen(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func BenchmarkScore(b *testing.B) {
	r, p, c, w := baseRegistrant(), basePosting(), baseContext(), DefaultWeights()
	p.TaskTags = append(p.TaskTags, "売掛金管理")
	for b.Loop() {
		Score(r, p, c, w)
	}
}

func BenchmarkScoreRank5000(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	r, c, w := baseRegistrant(), baseContext(), DefaultWeights()
	r.Experience = append(r.Experience, exp("営業事務", 24, "受注入力", "納期調整", "電話応対"), exp("一般事務", 12, "データ入力", "来客対応"))
	postings := make([]Posting, 5000)
	for i := range postings {
		_, p, _, _ := randomInputs(rng)
		p.ID = i + 1
		postings[i] = p
	}
	items := make([]Ranked, len(postings))
	for b.Loop() {
		for i, p := range postings {
			items[i] = Ranked{ID: p.ID, Match: Score(r, p, c, w)}
		}
		Rank(items)
	}
}
