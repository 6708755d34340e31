package records

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/compliance"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// fixture is a complete assignment: every record built from it has no gaps.
func fixture() Assignment {
	enrolled := &Enrollment{Enrolled: true}
	return Assignment{
		ID: 7,
		Worker: Worker{Name: "山田 花子", Employment: FixedTerm, AgreementCovered: ptr(true),
			HealthInsurance: enrolled, PensionInsurance: enrolled, EmploymentInsurance: enrolled},
		AgencyName: "デモ派遣株式会社", AgencyLicense: "派13-000000",
		AgencyResponsible: Contact{Name: "佐藤 一郎", Department: "派遣事業部", Phone: "03-0000-0001"},
		ClientName:        "株式会社サンプル商事", SiteName: "本社", SiteAddr: "東京都千代田区丸の内1-1-1", OrgUnit: "経理課",
		ClientResponsible: Contact{Name: "鈴木 次郎", Department: "総務部", Phone: "03-0000-0002"},
		Supervisor:        Contact{Name: "高橋 三郎", Department: "経理課", Phone: "03-0000-0003"},
		ComplaintAgency:   Contact{Name: "苦情相談窓口", Phone: "03-0000-0004"},
		ComplaintClient:   Contact{Name: "人事担当", Phone: "03-0000-0005"},
		WorkContent:       "経理事務（伝票入力、請求書発行）", Responsibility: "役職なし、部下なし",
		Start: d("2026-04-01"), End: d("2026-09-30"),
		WorkingDays: "月〜金（祝日を除く）", WorkingHours: "9:00〜18:00", Breaks: "12:00〜13:00（60分）",
		Overtime: "1日2時間、月20時間まで", HolidayWork: "なし", SafetyHealth: "派遣先の安全衛生規程に従う",
		Welfare:          "食堂、更衣室の利用可",
		EarlyTermination: "新たな就業機会の確保、休業手当の支払い等の措置を講ずる",
		ConflictDate:     ptr(d("2028-04-01")), IndividualLimitDate: ptr(d("2029-03-31")),
		HourlyWage: 1500, BillRate: ptr(2300), PostingType: "DISPATCH",
	}
}

func TestTermsSheet(t *testing.T) {
	full := TermsSheet(fixture())
	if !full.Complete() {
		t.Fatalf("complete fixture has gaps: %v", full.Gaps)
	}
	for label, want := range map[string]string{
		"派遣労働者氏名": "山田 花子", "事業所単位の抵触日": "2028年4月1日", "組織単位の抵触日（個人単位）": "2029年3月31日",
		"派遣料金（時間額）": "2,300円", "協定対象派遣労働者か否か": "協定対象派遣労働者である", "雇用期間の定め": "有期雇用",
		"派遣期間": "2026年4月1日〜2026年9月30日", "指揮命令者": "経理課 高橋 三郎（03-0000-0003）",
	} {
		if got := full.Value(label); got != want {
			t.Errorf("%s = %q, want %q", label, got, want)
		}
	}
	for _, tc := range []struct {
		gap    string
		change func(*Assignment)
	}{
		{"指揮命令者", func(a *Assignment) { a.Supervisor = Contact{} }},
		{"指揮命令者", func(a *Assignment) { a.Supervisor.Phone = "" }},
		{"苦情の申出先（派遣先）", func(a *Assignment) { a.ComplaintClient = Contact{} }},
		{"事業所単位の抵触日", func(a *Assignment) { a.ConflictDate = nil }},
		{"組織単位の抵触日（個人単位）", func(a *Assignment) { a.IndividualLimitDate = nil }},
		{"派遣料金（時間額）", func(a *Assignment) { a.BillRate = nil }},
		{"協定対象派遣労働者か否か", func(a *Assignment) { a.Worker.AgreementCovered = nil }},
		{"就業場所", func(a *Assignment) { a.SiteAddr = "" }},
		{"派遣契約解除の場合の措置", func(a *Assignment) { a.EarlyTermination = "" }},
		{"責任の程度", func(a *Assignment) { a.Responsibility = "" }},
		{"休憩時間", func(a *Assignment) { a.Breaks = "" }},
		{"紹介予定派遣に関する事項", func(a *Assignment) { a.PostingType = TempToPerm }},
	} {
		a := fixture()
		tc.change(&a)
		r := TermsSheet(a)
		if len(r.Gaps) != 1 || r.Gaps[0].Item != tc.gap || r.Value(tc.gap) != "" {
			t.Errorf("missing %s: gaps %v", tc.gap, r.Gaps)
		}
	}
	// Exempt workers have no individual limit date, and the sheet says why instead of a gap.
	for _, change := range []func(*Assignment){
		func(a *Assignment) { a.Worker.Employment = Indefinite; a.IndividualLimitDate = nil },
		func(a *Assignment) { a.Worker.Is60Plus = true; a.IndividualLimitDate = nil },
	} {
		a := fixture()
		change(&a)
		if r := TermsSheet(a); !r.Complete() || !strings.HasPrefix(r.Value("組織単位の抵触日（個人単位）"), "適用なし") {
			t.Errorf("exempt worker: %q %v", r.Value("組織単位の抵触日（個人単位）"), r.Gaps)
		}
	}
}

// TestClientNotice: the notice holds the items of 35条 and nothing else about the worker.
func TestClientNotice(t *testing.T) {
	r := ClientNotice(fixture())
	if !r.Complete() {
		t.Fatalf("gaps: %v", r.Gaps)
	}
	var labels []string
	for _, it := range r.Items {
		labels = append(labels, it.Label)
	}
	want := "派遣労働者氏名|協定対象派遣労働者か否か|無期雇用派遣労働者か否か|60歳以上の者か否か|健康保険の被保険者資格取得届の提出の有無|" +
		"厚生年金保険の被保険者資格取得届の提出の有無|雇用保険の被保険者資格取得届の提出の有無|派遣期間"
	if got := strings.Join(labels, "|"); got != want {
		t.Fatalf("items:\n%s\nwant\n%s", got, want)
	}
	if r.Value("60歳以上の者か否か") != "非該当" || r.Value("無期雇用派遣労働者か否か") != "有期雇用派遣労働者" {
		t.Errorf("yes/no items: %v", r.Items)
	}
	a := fixture()
	a.Worker.EmploymentInsurance = &Enrollment{Enrolled: false}
	if r := ClientNotice(a); len(r.Gaps) != 1 || r.Gaps[0].Item != "雇用保険の被保険者資格取得届の提出の有無" {
		t.Errorf("not enrolled without a reason must be a gap: %v", r.Gaps)
	}
	a.Worker.EmploymentInsurance.ReasonNot = "週所定労働時間が20時間未満のため"
	if r := ClientNotice(a); !r.Complete() || r.Value("雇用保険の被保険者資格取得届の提出の有無") != "無（週所定労働時間が20時間未満のため）" {
		t.Errorf("not enrolled with its reason: %v %v", r.Items, r.Gaps)
	}
}

func TestLedgerEntry(t *testing.T) {
	l := LedgerEntry(fixture(), nil, []string{"2026-04-01 入職時安全衛生教育"}, nil)
	if !l.Complete() {
		t.Fatalf("gaps: %v", l.Gaps)
	}
	if !l.RetainUntil.Equal(d("2029-09-30")) {
		t.Errorf("retain until %v, want 3 years after the end", l.RetainUntil)
	}
	if l.Value("苦情処理状況") != "なし" || l.Value("教育訓練の日時及び内容") != "2026-04-01 入職時安全衛生教育" {
		t.Errorf("logs: %v", l.Items)
	}
	a := fixture()
	a.ClientResponsible = Contact{}
	if l := LedgerEntry(a, nil, nil, nil); len(l.Gaps) != 1 || l.Gaps[0].Item != "派遣先責任者" {
		t.Errorf("missing client responsible: %v", l.Gaps)
	}
}

func TestEqualPay(t *testing.T) {
	row := GeneralWage{FiscalYear: 2026, JobCategory: "一般事務", ExperienceYears: 0, Prefecture: "東京都",
		BaseWage: 1200, ExperienceIndex: 1000, AreaIndex: 1141, Sample: true}
	three := row
	three.ExperienceYears, three.ExperienceIndex = 3, 1150
	table := WageTable{row, three}
	if got := row.Hourly(); got != 1370 { // 1200 × 114.1 % = 1369.2, rounded up
		t.Fatalf("general wage %d, want 1370", got)
	}
	covered, notCovered := Worker{AgreementCovered: ptr(true)}, Worker{AgreementCovered: ptr(false)}
	for _, tc := range []struct {
		name  string
		p     WageProposal
		rule  string
		block bool
	}{
		{"exactly the general wage passes", WageProposal{Worker: covered, HourlyWage: 1370, JobCategory: "一般事務", Prefecture: "東京都", Start: d("2026-06-01")}, "", false},
		{"one yen below fails", WageProposal{Worker: covered, HourlyWage: 1369, JobCategory: "一般事務", Prefecture: "東京都", Start: d("2026-06-01")}, RuleEqualPayGeneralWage, true},
		{"experience raises the bar", WageProposal{Worker: covered, HourlyWage: 1500, ExperienceYears: 4, JobCategory: "一般事務", Prefecture: "東京都", Start: d("2026-06-01")}, RuleEqualPayGeneralWage, true},
		{"a non-協定 worker is not checked", WageProposal{Worker: notCovered, HourlyWage: 900, JobCategory: "一般事務", Prefecture: "東京都", Start: d("2026-06-01")}, "", false},
		{"coverage not recorded warns", WageProposal{HourlyWage: 900, JobCategory: "一般事務", Prefecture: "東京都", Start: d("2026-06-01")}, RuleEqualPayUndecided, false},
		{"no table for the year warns", WageProposal{Worker: covered, HourlyWage: 900, JobCategory: "一般事務", Prefecture: "東京都", Start: d("2027-04-01")}, RuleEqualPayNoTable, false},
		{"March belongs to the fiscal year before", WageProposal{Worker: covered, HourlyWage: 1370, JobCategory: "一般事務", Prefecture: "東京都", Start: d("2027-03-31")}, "", false},
	} {
		fs := EqualPay(tc.p, table)
		switch {
		case tc.rule == "" && len(fs) > 0:
			t.Errorf("%s: %v", tc.name, fs)
		case tc.rule != "" && (len(fs) != 1 || fs[0].Rule != tc.rule || (fs[0].Severity == compliance.Block) != tc.block):
			t.Errorf("%s: %v, want %s block=%v", tc.name, fs, tc.rule, tc.block)
		case tc.rule != "" && (fs[0].Text.EN == "" || fs[0].Text.JA == "" || fs[0].Text.EN == fs[0].Text.JA):
			t.Errorf("%s: the finding needs a Japanese and an English text: %+v", tc.name, fs[0].Text)
		}
	}
}

// TestParseGeneralWages: 1,000 rows with 3 bad lines are refused whole, naming the 3 lines.
func TestParseGeneralWages(t *testing.T) {
	var b strings.Builder
	b.WriteString("\ufefffiscal_year,job_category,experience_years,prefecture,base_wage,experience_index,area_index\n")
	bad := map[int]string{101: "2026,一般事務,x,東京都,1200,100.0,114.1", 502: "2026,一般事務,0,東京都,1200,100.05,114.1", 903: "2026,,0,東京都,1200,100.0,114.1"}
	for i := 0; i < 1000; i++ {
		line := i + 2
		if row, ok := bad[line]; ok {
			b.WriteString(row + "\n")
			continue
		}
		fmt.Fprintf(&b, "2026,職種%d,%d,東京都,%d,100.0,114.1\n", i/7, i%7, 1000+i)
	}
	_, err := ParseGeneralWages(strings.NewReader(b.String()))
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Lines) != 3 || ie.Lines[0].Line != 101 || ie.Lines[1].Line != 502 || ie.Lines[2].Line != 903 {
		t.Fatalf("want lines 101, 502, 903: %v", err)
	}
	good := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(b.String(), bad[101]+"\n", ""), bad[502]+"\n", ""), bad[903]+"\n", "")
	table, err := ParseGeneralWages(strings.NewReader(good))
	if err != nil || len(table) != 997 {
		t.Fatalf("clean file: %d rows, %v", len(table), err)
	}
	dup := "fiscal_year,job_category,experience_years,prefecture,base_wage,experience_index,area_index\n2026,一般事務,0,東京都,1200,100,114.1\n2026,一般事務,0,東京都,1300,100,114.1\n"
	if _, err := ParseGeneralWages(strings.NewReader(dup)); !errors.As(err, &ie) || ie.Lines[0].Line != 3 {
		t.Fatalf("duplicate key: %v", err)
	}
}

func TestMarginDisclosure(t *testing.T) {
	ps := []Placement{
		{WorkerID: 1, SiteID: 10, SiteName: "本社", Start: d("2026-04-01"), End: d("2026-09-30"), HourlyWage: 1500, BillRate: ptr(2000)},
		{WorkerID: 1, SiteID: 10, SiteName: "本社", Start: d("2026-10-01"), End: d("2027-03-31"), HourlyWage: 1500, BillRate: ptr(2100)},
		{WorkerID: 2, SiteID: 10, SiteName: "本社", Start: d("2026-05-01"), End: d("2026-06-30"), HourlyWage: 1300, BillRate: nil},
		{WorkerID: 3, SiteID: 11, SiteName: "大阪支店", Start: d("2027-02-01"), End: d("2027-05-31"), HourlyWage: 1200, BillRate: ptr(1600)},
		{WorkerID: 4, SiteID: 11, SiteName: "大阪支店", Start: d("2025-04-01"), End: d("2026-03-31"), HourlyWage: 1000, BillRate: ptr(1500)}, // FY2025
	}
	got := MarginDisclosure(2026, ps)
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	tokyo, osaka := got[0], got[1]
	// Tokyo: bills 2000, 2100 → 2050; wages 1500 → margin (4100 − 3000) / 4100 = 26.8 %.
	if tokyo.Workers != 1 || tokyo.AverageBill != 2050 || tokyo.AverageWage != 1500 || tokyo.MarginRate != 26.8 || tokyo.WithoutBill != 1 {
		t.Errorf("tokyo %+v", tokyo)
	}
	if osaka.Workers != 1 || osaka.AverageBill != 1600 || osaka.MarginRate != 25 {
		t.Errorf("osaka %+v", osaka)
	}
}

func TestStabilityDuties(t *testing.T) {
	asOf := d("2026-12-01")
	ps := []Placement{
		// Worker 1: three contracts at unit 5 back to back from 2024-04-01 to 2027-03-31 → duty.
		{WorkerID: 1, OrgUnitID: 5, Employment: FixedTerm, Start: d("2024-04-01"), End: d("2025-03-31")},
		{WorkerID: 1, OrgUnitID: 5, Employment: FixedTerm, Start: d("2025-04-01"), End: d("2026-03-31"), Measures: []string{"派遣先への直接雇用の依頼"}},
		{WorkerID: 1, OrgUnitID: 5, Employment: FixedTerm, Start: d("2026-04-01"), End: d("2027-03-31")},
		// Worker 2: a gap of more than 3 months resets the run: 2026-08-01..2027-07-31 is one year → effort.
		{WorkerID: 2, OrgUnitID: 6, Employment: FixedTerm, Start: d("2025-01-01"), End: d("2026-03-31")},
		{WorkerID: 2, OrgUnitID: 6, Employment: FixedTerm, Start: d("2026-08-01"), End: d("2027-07-31")},
		// Worker 3: six months → nothing. Worker 4: indefinite → nothing. Worker 5: ended → nothing.
		{WorkerID: 3, OrgUnitID: 7, Employment: FixedTerm, Start: d("2026-10-01"), End: d("2027-03-31")},
		{WorkerID: 4, OrgUnitID: 7, Employment: Indefinite, Start: d("2023-01-01"), End: d("2027-12-31")},
		{WorkerID: 5, OrgUnitID: 7, Employment: FixedTerm, Start: d("2023-01-01"), End: d("2026-06-30")},
	}
	got := StabilityDuties(asOf, ps)
	if len(got) != 2 {
		t.Fatalf("%+v", got)
	}
	duty, effort := got[0], got[1]
	if duty.WorkerID != 1 || duty.Duty != DutyMeasures || !duty.RunStart.Equal(d("2024-04-01")) || !duty.Reaches.Equal(d("2027-03-31")) ||
		len(duty.Measures) != 1 {
		t.Errorf("duty %+v", duty)
	}
	if effort.WorkerID != 2 || effort.Duty != EffortMeasure || !effort.RunStart.Equal(d("2026-08-01")) || !effort.Reaches.Equal(d("2027-07-31")) {
		t.Errorf("effort %+v", effort)
	}
}
