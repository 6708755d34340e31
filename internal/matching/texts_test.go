package matching

import (
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/lang"
)

func japanese(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han)
	}) >= 0
}

// TestExplanationTexts: every branch of every component explains itself in Japanese and in English,
// and the list components carry what matched and what is missing, in full and in the posting's
// spelling; the other components carry empty lists, never nil.
func TestExplanationTexts(t *testing.T) {
	block := compliance.Finding{Rule: compliance.RuleFormerDirectEmployee, Severity: compliance.Block}
	warn := compliance.Finding{Rule: compliance.RuleDayLabourExempt, Severity: compliance.Warn}
	for _, tc := range []struct {
		name    string
		comp    string
		r       func(*Registrant)
		p       func(*Posting)
		c       func(*Context)
		ja      string // exact Japanese text when set
		jaHas   string // else a part of it
		matched []string
		missing []string
	}{
		{name: "experience: no category", comp: ComponentExperience, p: func(p *Posting) { p.JobCategory = "" },
			ja: "求人に職種の指定がありません（中立）"},
		{name: "experience: none", comp: ComponentExperience, r: func(r *Registrant) { r.Experience = nil },
			ja: "経理事務の経験なし"},
		{name: "experience: months", comp: ComponentExperience,
			r:  func(r *Registrant) { r.Experience = []Experience{exp("経理事務", 12, "請求書発行")} },
			ja: "経理事務の経験 12か月"},

		{name: "tasks: none listed", comp: ComponentTasks, p: func(p *Posting) { p.TaskTags = nil },
			ja: "求人にタスクの指定がありません（中立）"},
		{name: "tasks: some missing", comp: ComponentTasks,
			p:       func(p *Posting) { p.TaskTags = []string{"請求書発行", "仕訳入力", "給与計算"} },
			ja:      "タスク 3件中2件が一致: 請求書発行、仕訳入力; 不足: 給与計算",
			matched: []string{"請求書発行", "仕訳入力"}, missing: []string{"給与計算"}},
		{name: "tasks: all match", comp: ComponentTasks,
			ja:      "タスク 3件中3件が一致: 請求書発行、仕訳入力、月次決算補助",
			matched: []string{"請求書発行", "仕訳入力", "月次決算補助"}, missing: []string{}},
		{name: "tasks: none match", comp: ComponentTasks, r: func(r *Registrant) { r.Experience = nil },
			ja:      "タスク 3件中0件が一致; 不足: 請求書発行、仕訳入力、月次決算補助",
			matched: []string{}, missing: []string{"請求書発行", "仕訳入力", "月次決算補助"}},
		{name: "tasks: posting's spelling, widths and case folded, first of repeats", comp: ComponentTasks,
			r: func(r *Registrant) {
				r.Experience = []Experience{exp("経理事務", 12, "sap入力", " 請求書発行")}
			},
			p: func(p *Posting) {
				p.TaskTags = []string{"Ｓａｐ入力", " 請求書発行 ", "SAP入力", "給与計算"}
			},
			ja:      "タスク 3件中2件が一致: Ｓａｐ入力、請求書発行; 不足: 給与計算",
			matched: []string{"Ｓａｐ入力", "請求書発行"}, missing: []string{"給与計算"}},
		{name: "tasks: the text names five, the lists all", comp: ComponentTasks,
			p:       func(p *Posting) { p.TaskTags = []string{"a", "b", "c", "d", "e", "f", "g"} },
			ja:      "タスク 7件中0件が一致; 不足: a、b、c、d、e、…",
			matched: []string{}, missing: []string{"a", "b", "c", "d", "e", "f", "g"}},

		{name: "skills: none listed", comp: ComponentSkills, p: func(p *Posting) { p.RequiredSkills = nil },
			ja: "求人に必須スキルの指定がありません（中立）"},
		{name: "skills: full-width and case", comp: ComponentSkills,
			p:       func(p *Posting) { p.RequiredSkills = []string{"ＥＸＣＥＬ", "Word", "簿記2級"} },
			ja:      "必須スキル 3件中2件あり: ＥＸＣＥＬ、簿記2級; 不足: Word",
			matched: []string{"ＥＸＣＥＬ", "簿記2級"}, missing: []string{"Word"}},
		{name: "skills: all", comp: ComponentSkills, ja: "必須スキル 2件中2件あり: Excel、簿記2級",
			matched: []string{"Excel", "簿記2級"}, missing: []string{}},
		{name: "skills: none", comp: ComponentSkills, r: func(r *Registrant) { r.Skills = nil },
			ja: "必須スキル 2件中0件あり; 不足: Excel、簿記2級", matched: []string{}, missing: []string{"Excel", "簿記2級"}},

		{name: "wage: no desired wage", comp: ComponentWage, r: func(r *Registrant) { r.DesiredHourlyWage = 0 },
			ja: "希望時給の登録なし（中立）"},
		{name: "wage: posting wage not stated", comp: ComponentWage, p: func(p *Posting) { p.HourlyWage = 0 },
			ja: "求人の時給が未設定（中立）"},
		{name: "wage: as desired", comp: ComponentWage, ja: "時給 1,500円（希望どおり）"},
		{name: "wage: above", comp: ComponentWage, p: func(p *Posting) { p.HourlyWage = 1700 },
			ja: "時給 1,700円（希望 1,500円より200円高い）"},
		{name: "wage: below", comp: ComponentWage, p: func(p *Posting) { p.HourlyWage = 1400 },
			ja: "時給 1,400円（希望 1,500円より100円低い）"},

		{name: "commute: bus not accepted", comp: ComponentCommute,
			r: func(r *Registrant) { r.AcceptsBus = false }, p: func(p *Posting) { p.BusRequired = true },
			ja: "バス通勤が必要ですが、登録者はバス通勤を希望していません"},
		{name: "commute: walk too long", comp: ComponentCommute, p: func(p *Posting) { p.WalkMinutes = 61 },
			ja: "駅から徒歩61分で、希望の通勤時間（最大60分）を超えています"},
		{name: "commute: same station", comp: ComponentCommute, p: func(p *Posting) { p.NearestStation = "新宿駅" },
			ja: "同じ都道府県（東京都）、最寄駅が同じ（新宿駅）、駅から徒歩0分（希望の通勤時間は最大60分）"},
		{name: "commute: same city, bus accepted", comp: ComponentCommute,
			p:  func(p *Posting) { p.NearestStation, p.BusRequired, p.WalkMinutes = "西新宿", true, 10 },
			ja: "同じ都道府県（東京都）、同じ市区町村（新宿区）、駅から徒歩10分（希望の通勤時間は最大60分）、バス通勤あり（登録者はバス通勤可）"},
		{name: "commute: other prefecture, no max", comp: ComponentCommute,
			r:  func(r *Registrant) { r.Prefecture, r.MaxCommuteMinutes = "埼玉県", 0 },
			p:  func(p *Posting) { p.WalkMinutes = 5 },
			ja: "他の都道府県（埼玉県→東京都）、駅から徒歩5分（希望の通勤時間の登録なし）"},
		{name: "commute: prefecture unknown", comp: ComponentCommute, r: func(r *Registrant) { r.Prefecture = "" },
			jaHas: "都道府県不明"},

		{name: "availability: now", comp: ComponentAvailability, r: func(r *Registrant) { r.AvailableFrom = nil },
			ja: "すぐに就業可能"},
		{name: "availability: no start", comp: ComponentAvailability, p: func(p *Posting) { p.StartDate = nil },
			ja: "求人に就業開始日の指定なし"},
		{name: "availability: by the start", comp: ComponentAvailability,
			ja: "2026年4月1日から就業可能（就業開始日 2026年4月1日に間に合う）"},
		{name: "availability: late", comp: ComponentAvailability, r: func(r *Registrant) { r.AvailableFrom = datep("2026-05-01") },
			ja: "2026年5月1日から就業可能（就業開始日 2026年4月1日より30日遅い）"},
		{name: "availability: start passed", comp: ComponentAvailability,
			r: func(r *Registrant) { r.AvailableFrom = datep("2026-05-01") }, c: func(c *Context) { c.Now = date("2026-04-16") },
			ja: "2026年5月1日から就業可能（就業開始日経過のため本日 2026年4月16日より15日遅い）"},

		{name: "compliance: none", comp: ComponentCompliance, ja: "コンプライアンス上の指摘なし"},
		{name: "compliance: warning", comp: ComponentCompliance,
			c:  func(c *Context) { c.Compliance = []compliance.Finding{warn} },
			ja: "コンプライアンス上の注意: 日雇派遣（例外に該当）"},
		{name: "compliance: block and warning", comp: ComponentCompliance,
			c:  func(c *Context) { c.Compliance = []compliance.Finding{warn, block} },
			ja: "コンプライアンス上の理由で不可: 離職後1年以内の労働者派遣の禁止; 注意: 日雇派遣（例外に該当）"},
		{name: "compliance: another package's rule by its code", comp: ComponentCompliance,
			c: func(c *Context) {
				c.Compliance = []compliance.Finding{{Rule: "EQUAL_PAY_GENERAL_WAGE", Severity: compliance.Block}}
			},
			ja: "コンプライアンス上の理由で不可: EQUAL_PAY_GENERAL_WAGE"},

		{name: "history: none", comp: ComponentHistory, ja: "この派遣先での過去の不採用なし"},
		{name: "history: rejected", comp: ComponentHistory, c: func(c *Context) { c.RejectedAtClientBefore = true },
			ja: "この派遣先で過去に不採用あり"},
	} {
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
			e := component(t, Score(r, p, c, DefaultWeights()), tc.comp)
			ja, en := e.Text.In(lang.Japanese), e.Text.In(lang.English)
			if en == "" || en != e.Text.EN || ja == en || !japanese(ja) || ja != e.Text.JA {
				t.Errorf("texts JA %q EN %q", ja, en)
			}
			if tc.ja != "" && ja != tc.ja {
				t.Errorf("Japanese\n%s\nwant\n%s", ja, tc.ja)
			}
			if !strings.Contains(ja, tc.jaHas) {
				t.Errorf("Japanese %q does not say %q", ja, tc.jaHas)
			}
			wantMatched, wantMissing := tc.matched, tc.missing
			if wantMatched == nil {
				wantMatched = []string{}
			}
			if wantMissing == nil {
				wantMissing = []string{}
			}
			if e.Matched == nil || e.Missing == nil || !reflect.DeepEqual(e.Matched, wantMatched) || !reflect.DeepEqual(e.Missing, wantMissing) {
				t.Errorf("matched %#v missing %#v, want %#v %#v", e.Matched, e.Missing, wantMatched, wantMissing)
			}
		})
	}
}

// TestRiskTexts: the hard-to-fill reasons in both languages, in step with the reasons.
func TestRiskTexts(t *testing.T) {
	one := 1
	risk := HardToFill(RiskInput{HourlyWage: 1300, AreaMedianWage: 1450, BusRequired: true,
		PredecessorTenureMonths: &one, RepostCount: 3})
	wantJA := []string{"時給 1,300円（エリアの中央値 1,450円より150円低い）", "通勤はバスのみ",
		"前任者が1か月で退職（3か月未満）", "再掲載 3回（2点として計上）"}
	wantEN := []string{"wage 1,300 is 150 below the area median 1,450", "reachable only by bus",
		"predecessor left after 1 month (under 3)", "reposted 3 times (counts double)"}
	var ja, en []string
	for _, x := range risk.Texts {
		ja, en = append(ja, x.In(lang.Japanese)), append(en, x.In(lang.English))
	}
	if !reflect.DeepEqual(ja, wantJA) || !reflect.DeepEqual(en, wantEN) {
		t.Errorf("texts\n%q\n%q\nwant\n%q\n%q", ja, en, wantJA, wantEN)
	}
	if once := HardToFill(RiskInput{RepostCount: 1}); len(once.Texts) != 1 || once.Texts[0].JA != "再掲載 1回" || once.Texts[0].EN != "reposted once" {
		t.Errorf("reposted once: %+v", once.Texts)
	}
	s := SignalsFor(PostingFacts{ID: 1, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1300, BusRequired: true},
		[]MarketPosting{{ID: 2, JobCategory: "経理事務", Prefecture: "東京都", HourlyWage: 1500}})
	if len(s.RiskTexts) != 2 || s.RiskTexts[1] != (lang.Text{JA: "通勤はバスのみ", EN: "reachable only by bus"}) {
		t.Errorf("signals texts %+v", s.RiskTexts)
	}
}
