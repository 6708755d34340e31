package compliance

import (
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/example/staffcrm/internal/lang"
)

// japanese reports whether s has kana or kanji. English with a Japanese term in it would pass too,
// so the tests also check that the two texts differ.
func japanese(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han)
	}) >= 0
}

// TestFindingTexts: every finding the package produces says it in Japanese and in English, with the
// same facts (Japanese dates, yen, the sample-figure note); the English is what errors say.
func TestFindingTexts(t *testing.T) {
	withEnd := func(end string) Proposal { p := base(); p.End = date(end); return p }
	floors := []WageFloor{
		{Prefecture: "東京都", HourlyWage: 1226, EffectiveFrom: date("2025-10-03")},
		{Prefecture: "大阪府", HourlyWage: 1114, EffectiveFrom: date("2024-10-01"), Sample: true},
	}
	for _, tc := range []struct {
		name   string
		got    func() []Finding
		rule   string
		ja     string   // exact Japanese text when set
		jaHas  []string // facts the Japanese text must carry
		enHas  []string
		exempt map[string]bool
	}{
		{name: "individual limit", rule: RuleIndividual3Y,
			got: func() []Finding { p := base(); p.End = date("2029-04-01"); return IndividualLimit(p) },
			ja: "個人単位の期間制限（3年）に抵触します。この組織単位での就業は2026年4月1日から継続しているため、" +
				"就業できるのは2029年3月31日までで、2029年4月1日以降は就業できません（3か月を超える空白期間があった場合のみ期間の通算がリセットされます）。",
			enHas: []string{"2029-04-01", "2026-04-01", "2029-03-31"}},
		{name: "site: no conflict-date notice", rule: RuleSiteNoticeMissing,
			got: func() []Finding { p := base(); p.Site.ConflictNotifiedAt = nil; return SiteLimit(p) },
			ja:  "派遣先からこの事業所の抵触日の通知を受けていません。通知を受けるまで労働者派遣契約は締結できません。"},
		{name: "site: no contract date", rule: RuleSiteNoticeMissing,
			got:   func() []Finding { p := base(); p.ContractSignedOn = time.Time{}; return SiteLimit(p) },
			jaHas: []string{"労働者派遣契約の締結日", "抵触日"}},
		{name: "site: notified after the contract", rule: RuleSiteNoticeMissing,
			got: func() []Finding {
				p := base()
				p.Site.ConflictNotifiedAt = datep("2026-03-02")
				return SiteLimit(p)
			},
			jaHas: []string{"2026年3月2日", "2026年3月1日", "抵触日"}, enHas: []string{"2026-03-02", "2026-03-01"}},
		{name: "site: conflict date", rule: RuleSiteConflictDate,
			got: func() []Finding { return SiteLimit(withEnd("2030-01-01")) },
			ja: "事業所単位の期間制限に抵触します。派遣期間の終了日（2030年1月1日）が事業所の抵触日（2030年1月1日）以降にかかっており、" +
				"この事業所に派遣できるのは2029年12月31日までです。",
			enHas: []string{"2030-01-01", "2029-12-31"}},
		{name: "former employee: still employed", rule: RuleFormerDirectEmployee,
			got: func() []Finding {
				p := base()
				p.DirectEmployments = []DirectEmployment{{LegalEntity: client}}
				return FormerEmployee(p)
			},
			jaHas: []string{"現在直接雇用"}},
		{name: "former employee: left within a year", rule: RuleFormerDirectEmployee,
			got: func() []Finding {
				p := base()
				p.DirectEmployments = []DirectEmployment{{LegalEntity: client, End: datep("2025-12-31")}}
				return FormerEmployee(p)
			},
			ja: "離職後1年以内の労働者派遣の禁止に該当します。この登録者は2025年12月31日に派遣先と同一の法人を離職しているため、" +
				"2026年12月31日まではその法人のいずれの事業所にも派遣できません（派遣開始は2027年1月1日以降）。",
			enHas: []string{"2025-12-31", "2026-12-31", "2027-01-01"}},
		{name: "former employee: cannot be checked", rule: RuleFormerDirectEmployee,
			got: func() []Finding {
				p := base()
				p.DirectEmployments = []DirectEmployment{{End: datep("2025-12-31")}}
				return FormerEmployee(p)
			},
			jaHas: []string{"法人番号", "離職後1年以内の労働者派遣の禁止", "確認してください"}},
		{name: "day labour", rule: RuleDayLabour,
			got:   func() []Finding { return DayLabour(withEnd("2026-04-30"), nil) },
			jaHas: []string{"派遣期間30日", "日雇派遣（30日以内）", "派遣できません"}, enHas: []string{"30 days"}},
		{name: "day labour: exempt", rule: RuleDayLabourExempt,
			got: func() []Finding {
				p := withEnd("2026-04-10")
				p.JobCategory, p.Person.DaytimeStudent, p.Person.IncomeExemption = "INTERPRETER", true, true
				return DayLabour(p, map[string]bool{"INTERPRETER": true})
			},
			ja: "派遣期間10日は日雇派遣（30日以内）に該当しますが、例外として認められます（昼間学生、収入要件、" +
				"日雇派遣が認められる業務（INTERPRETER））。例外に該当することを記録してください。",
			enHas: []string{ExemptDaytimeStudent, ExemptIncome, "exempt job category (INTERPRETER)"}},
		{name: "day labour: 60+", rule: RuleDayLabourExempt,
			got: func() []Finding {
				p := withEnd("2026-04-10")
				p.Person.BirthDate = datep("1960-01-01")
				return DayLabour(p, nil)
			},
			jaHas: []string{"60歳以上"}, enHas: []string{ExemptAge60Plus}},
		{name: "pre-selection: visit not asked for", rule: RulePreSelection,
			got:   func() []Finding { return PreSelection(Dispatch, StageWorkplaceVisit, false) },
			jaHas: []string{"事前面接の禁止", "職場見学", "登録者本人が希望"}},
		{name: "pre-selection: interview", rule: RulePreSelection,
			got:   func() []Finding { return PreSelection(Dispatch, StageInterview, false) },
			jaHas: []string{"事前面接の禁止", "紹介予定派遣に限り"}},
		{name: "pre-selection: other stage", rule: RulePreSelection,
			got:   func() []Finding { return PreSelection("", "LUNCH", true) },
			ja:    "派遣先との面談区分「LUNCH」は通常の派遣では認められません。認められるのは登録者本人が希望した職場見学のみです（事前面接の禁止）。",
			enHas: []string{`"LUNCH"`}},
		{name: "minimum wage", rule: RuleMinimumWage,
			got:   func() []Finding { return MinimumWage(1200, "東京都", floors, date("2025-11-01")) },
			ja:    "時給1,200円は、2025年10月3日から適用される東京都の最低賃金1,226円を下回っています。",
			enHas: []string{"1200 yen", "1226 yen", "2025-10-03"}},
		{name: "minimum wage: sample figure", rule: RuleMinimumWage,
			got: func() []Finding { return MinimumWage(1100, "大阪府", floors, date("2025-11-01")) },
			ja: "時給1,100円は、2024年10月1日から適用される大阪府の最低賃金1,114円（サンプル値・公式の数値ではありません）" +
				"を下回っています。",
			enHas: []string{"sample figure"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := tc.got()
			if len(fs) != 1 || fs[0].Rule != tc.rule {
				t.Fatalf("findings %+v, want one %s", fs, tc.rule)
			}
			ja, en := fs[0].Text.In(lang.Japanese), fs[0].Text.In(lang.English)
			if en == "" || fs[0].Text.EN != en {
				t.Errorf("English text %q", en)
			}
			if !japanese(ja) || ja == en || fs[0].Text.JA != ja {
				t.Errorf("Japanese text %q (English %q)", ja, en)
			}
			if tc.ja != "" && ja != tc.ja {
				t.Errorf("Japanese text\n%s\nwant\n%s", ja, tc.ja)
			}
			for _, s := range tc.jaHas {
				if !strings.Contains(ja, s) {
					t.Errorf("Japanese text %q does not say %q", ja, s)
				}
			}
			for _, s := range tc.enHas {
				if !strings.Contains(en, s) {
					t.Errorf("English text %q does not say %q", en, s)
				}
			}
		})
	}
}

// TestViolationErrorIsEnglish: errors carrying findings say the first in English (the edge gives
// Japanese readers the Japanese).
func TestViolationErrorIsEnglish(t *testing.T) {
	fs := MinimumWage(1000, "東京都", []WageFloor{{Prefecture: "東京都", HourlyWage: 1226, EffectiveFrom: date("2025-10-03")}}, date("2025-11-01"))
	err := &ViolationError{Findings: fs}
	if want := "compliance violation: hourly wage 1000 yen is below the minimum wage of 東京都, 1226 yen from 2025-10-03"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

// TestRuleName: every rule of the package has a Japanese name; another package's code is its own name.
func TestRuleName(t *testing.T) {
	for _, r := range []string{RuleIndividual3Y, RuleSiteNoticeMissing, RuleSiteConflictDate, RuleFormerDirectEmployee,
		RuleDayLabour, RuleDayLabourExempt, RulePreSelection, RuleMinimumWage} {
		if n := RuleName(r); !japanese(n) {
			t.Errorf("RuleName(%s) = %q", r, n)
		}
	}
	if got := RuleName(RuleIndividual3Y); got != "個人単位の期間制限" {
		t.Errorf("RuleName(INDIVIDUAL_3Y) = %q", got)
	}
	if got := RuleName("EQUAL_PAY_NO_WAGE_TABLE"); got != "EQUAL_PAY_NO_WAGE_TABLE" {
		t.Errorf("unknown rule named %q", got)
	}
}
