package records

import "time"

// TermsSheet is the terms-of-dispatch sheet (就業条件明示書) handed to the worker before the dispatch:
// 法34条 with its ordinance items, the dispatch fee (34条の2) and the explanation of treatment under
// a labour-management agreement (31条の2).
func TermsSheet(a Assignment) Record {
	b := builder{r: Record{Title: "就業条件明示書"}}
	b.add("派遣労働者氏名", "法34条", a.Worker.Name)
	b.add("業務内容", "法34条1項1号", a.WorkContent)
	b.add("責任の程度", "則26条の2", a.Responsibility)
	b.add("派遣先の名称", "法34条1項2号", a.ClientName)
	b.add("就業場所", "法34条1項2号", joinNonEmpty(a.SiteName, a.SiteAddr))
	b.add("組織単位", "法34条1項2号", a.OrgUnit)
	b.contact("指揮命令者", "法34条1項3号", a.Supervisor)
	b.add("派遣期間", "法34条1項4号", period(a.Start, a.End))
	b.add("就業日", "法34条1項4号", a.WorkingDays)
	b.add("就業時間", "法34条1項5号", a.WorkingHours)
	b.add("休憩時間", "法34条1項5号", a.Breaks)
	b.add("時間外労働", "法34条1項10号", a.Overtime)
	b.add("休日労働", "法34条1項10号", a.HolidayWork)
	b.add("安全及び衛生", "法34条1項6号", a.SafetyHealth)
	b.add("福祉の増進のための便宜供与", "法34条1項12号", a.Welfare)
	b.contact("苦情の申出先（派遣元）", "法34条1項7号", a.ComplaintAgency)
	b.contact("苦情の申出先（派遣先）", "法34条1項7号", a.ComplaintClient)
	b.add("派遣契約解除の場合の措置", "法34条1項8号", a.EarlyTermination)
	b.contact("派遣元責任者", "法34条1項11号", a.AgencyResponsible)
	b.contact("派遣先責任者", "法34条1項11号", a.ClientResponsible)
	b.add("事業所単位の抵触日", "法34条2項", optDate(a.ConflictDate))
	b.add("組織単位の抵触日（個人単位）", "法34条2項", individualLimit(a))
	switch {
	case a.billRateWithheld:
		b.r.Items = append(b.r.Items, Item{Label: "派遣料金（時間額）", Law: "法34条の2", Value: "（閲覧権限がないため表示していません）"})
	case a.BillRate != nil:
		b.add("派遣料金（時間額）", "法34条の2", yen(*a.BillRate))
	default:
		b.add("派遣料金（時間額）", "法34条の2", "")
	}
	b.add("協定対象派遣労働者か否か", "法31条の2", covered(a.Worker.AgreementCovered))
	b.add("雇用期間の定め", "則26条の2", employment(a.Worker.Employment))
	if a.PostingType == TempToPerm {
		b.add("紹介予定派遣に関する事項", "法34条1項9号", a.TempToPermConditions)
	}
	return b.r
}

// ClientNotice is the notice to the client (派遣先への通知, 法35条): exactly the items 35条 and its
// ordinance list. The client learns nothing else about the worker — no education, birth date or
// contact — so those are not even inputs here.
func ClientNotice(a Assignment) Record {
	b := builder{r: Record{Title: "派遣先への通知"}}
	b.add("派遣労働者氏名", "法35条1項1号", a.Worker.Name)
	b.add("協定対象派遣労働者か否か", "法35条1項2号", covered(a.Worker.AgreementCovered))
	b.add("無期雇用派遣労働者か否か", "法35条1項3号", yesNoEmployment(a.Worker.Employment))
	b.add("60歳以上の者か否か", "法35条1項4号", yesNo(a.Worker.Is60Plus))
	b.add("健康保険の被保険者資格取得届の提出の有無", "法35条1項5号", enrollment(a.Worker.HealthInsurance))
	b.add("厚生年金保険の被保険者資格取得届の提出の有無", "法35条1項5号", enrollment(a.Worker.PensionInsurance))
	b.add("雇用保険の被保険者資格取得届の提出の有無", "法35条1項5号", enrollment(a.Worker.EmploymentInsurance))
	b.add("派遣期間", "則27条の2", period(a.Start, a.End))
	return b.r
}

// LedgerRetention is how long a ledger entry is kept after the assignment ends (法37条2項).
const LedgerRetentionYears = 3

// Ledger is the agency ledger (派遣元管理台帳, 法37条) entry of one assignment, with the date until
// which it must be kept even if the worker asks for deletion.
type Ledger struct {
	Record
	RetainUntil time.Time
}

// LedgerEntry builds the 派遣元管理台帳 entry of a. Training, complaints and stability measures come
// from their own records (entries appended by staff), listed as they are.
func LedgerEntry(a Assignment, complaints, training, stability []string) Ledger {
	b := builder{r: Record{Title: "派遣元管理台帳"}}
	b.add("派遣労働者氏名", "法37条1項1号", a.Worker.Name)
	b.add("協定対象派遣労働者か否か", "法37条1項2号", covered(a.Worker.AgreementCovered))
	b.add("無期雇用派遣労働者か有期雇用派遣労働者か", "法37条1項2号", employment(a.Worker.Employment))
	b.add("60歳以上の者か否か", "法37条1項2号", yesNo(a.Worker.Is60Plus))
	b.add("派遣先の名称", "法37条1項3号", a.ClientName)
	b.add("事業所の名称及び所在地", "法37条1項4号", joinNonEmpty(a.SiteName, a.SiteAddr))
	b.add("組織単位", "法37条1項4号", a.OrgUnit)
	b.add("派遣期間", "法37条1項5号", period(a.Start, a.End))
	b.add("就業日", "法37条1項5号", a.WorkingDays)
	b.add("始業及び終業の時刻", "法37条1項6号", a.WorkingHours)
	b.add("業務の種類", "法37条1項7号", a.WorkContent)
	b.add("責任の程度", "則31条", a.Responsibility)
	b.contact("派遣元責任者", "法37条1項9号", a.AgencyResponsible)
	b.contact("派遣先責任者", "法37条1項9号", a.ClientResponsible)
	b.contact("指揮命令者", "則31条", a.Supervisor)
	b.add("健康保険", "則31条", enrollment(a.Worker.HealthInsurance))
	b.add("厚生年金保険", "則31条", enrollment(a.Worker.PensionInsurance))
	b.add("雇用保険", "則31条", enrollment(a.Worker.EmploymentInsurance))
	// These are logs: none yet is a fact, not a gap.
	b.r.Items = append(b.r.Items,
		Item{Label: "苦情処理状況", Law: "法37条1項8号", Value: listOrNone(complaints)},
		Item{Label: "教育訓練の日時及び内容", Law: "法37条1項10号", Value: listOrNone(training)},
		Item{Label: "雇用安定措置の内容", Law: "則31条", Value: listOrNone(stability)})
	if a.PostingType == TempToPerm {
		b.add("紹介予定派遣に関する事項", "法37条1項12号", a.TempToPermConditions)
	}
	return Ledger{Record: b.r, RetainUntil: a.End.AddDate(LedgerRetentionYears, 0, 0)}
}

func yesNoEmployment(kind string) string {
	switch kind {
	case Indefinite:
		return "無期雇用派遣労働者"
	case FixedTerm:
		return "有期雇用派遣労働者"
	}
	return ""
}

func period(start, end time.Time) string {
	if start.IsZero() || end.IsZero() {
		return ""
	}
	return date(start) + "〜" + date(end)
}

func joinNonEmpty(parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			return "" // both the name and the address are required
		}
		if out != "" {
			out += " "
		}
		out += p
	}
	return out
}

func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "なし"
	}
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += "／"
		}
		out += x
	}
	return out
}
