package seed

import (
	"context"
	"sort"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/dispatchcontact"
	"github.com/example/staffcrm/ent/ledgerlog"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/internal/records"
)

// The data the dispatch-law records print (DESIGN §11) for the demo: the agency's and every
// client's contacts, the contract terms of every posting, insurance enrollment and agreement
// coverage of every registrant, a few ledger logs, and a SAMPLE general-wage table. The table's
// figures are invented for the demo (marked sample in the database and the API), set just under the
// demo's lowest wage per job category so the seeded placements pass the equal-pay check: an agency
// imports the official table of its fiscal year itself (importGeneralWages).
func (w *writer) records(ctx context.Context) error {
	tel := w.p.phone("03")
	person := func(n int) string { return contactNames[n%len(contactNames)] }
	contacts := []*ent.DispatchContactCreate{
		w.contact(dispatchcontact.RoleAGENCY_RESPONSIBLE, records.ScopeAgency, "管理部 部長", "佐々木 正人", tel),
		w.contact(dispatchcontact.RoleAGENCY_COMPLAINT, records.ScopeAgency, "コンプライアンス室 苦情相談窓口", "松本 恵", tel),
	}
	for i, id := range w.siteIDs {
		site := w.ap.sites[i]
		phone := w.p.phone(site.loc.phoneArea)
		contacts = append(contacts,
			w.contact(dispatchcontact.RoleCLIENT_RESPONSIBLE, records.ScopeOf(&id, nil), "人事部 課長", person(2*i), phone).SetSiteID(id),
			w.contact(dispatchcontact.RoleCLIENT_COMPLAINT, records.ScopeOf(&id, nil), "総務部 苦情受付", person(2*i+1), phone).SetSiteID(id))
	}
	for i, id := range w.unitIDs {
		contacts = append(contacts, w.contact(dispatchcontact.RoleSUPERVISOR, records.ScopeOf(nil, &id), w.ap.units[i].name+" 係長",
			person(3*i+5), w.p.phone(w.ap.sites[w.ap.units[i].site].loc.phoneArea)).SetOrgUnitID(id))
	}
	if _, err := bulk(ctx, w.tx.DispatchContact.CreateBulk, contacts, func(c *ent.DispatchContact) int { return c.ID }); err != nil {
		return err
	}

	// Contract terms: the same working conditions for every demo posting.
	if err := w.tx.Posting.Update().Where(posting.AgencyID(w.agencyID)).SetResponsibility("役職なし・部下なし（定型業務）").
		SetWorkingDays("月〜金（祝日・年末年始を除く）").SetBreaks("12:00〜13:00（60分）").
		SetOvertimeTerms("1日2時間・1か月20時間・1年200時間以内（36協定の範囲内）").SetHolidayWork("なし").
		SetSafetyHealth("派遣先の安全衛生規程に従う。雇入れ時の安全衛生教育は派遣元が実施").
		SetWelfare("派遣先の食堂・休憩室・更衣室を利用可").
		SetEarlyTerminationMeasures("派遣先の関連会社での就業あっせん等により新たな就業機会を確保し、できない場合は休業手当を支払う").
		Exec(ctx); err != nil {
		return err
	}
	if err := w.tx.Posting.Update().Where(posting.AgencyID(w.agencyID), posting.TypeEQ(posting.TypeTEMP_TO_PERM)).
		SetTempToPermTerms("派遣期間終了後に正社員として職業紹介予定。年収350万円〜、試用期間なし").Exec(ctx); err != nil {
		return err
	}

	// Every registrant decided: under the labour-management agreement except every fifth (the client's
	// equal-treatment method); enrolled in every insurance except every seventh's employment insurance.
	for i, id := range w.registrantIDs {
		u := w.tx.Registrant.UpdateOneID(id).SetAgreementCovered(i%5 != 0).SetHealthInsuranceEnrolled(true).
			SetPensionInsuranceEnrolled(true).SetEmploymentInsuranceEnrolled(i%7 != 0)
		if i%7 == 0 {
			u.SetInsuranceNotEnrolledReason("所定労働時間が週20時間未満のため")
		}
		if err := u.Exec(ctx); err != nil {
			return err
		}
	}

	// Ledger logs of the placed: a complaint handled, training, career consulting, and a stability
	// measure for the longest run.
	var logs []*ent.LedgerLogCreate
	longest, longestDays := -1, 0
	for i, a := range w.ap.assignments {
		if !a.start.Before(w.p.today) {
			continue
		}
		if days := int(a.end.Sub(a.start).Hours() / 24); days > longestDays && a.renewalOf >= 0 {
			longest, longestDays = i, days
		}
		if i%4 != 0 {
			continue
		}
		reg, id := w.registrantIDs[a.reg], w.assignmentIDs[i]
		on := minTime(a.start.AddDate(0, 0, 14), w.p.day(-1))
		logs = append(logs, w.tx.LedgerLog.Create().SetAgencyID(w.agencyID).SetKind(ledgerlog.KindTRAINING).SetRegistrantID(reg).
			SetAssignmentID(id).SetOccurredOn(dateOf(a.start)).SetContent("雇入れ時の安全衛生教育・業務マニュアル研修（2時間、有給）"))
		if i%8 == 0 {
			logs = append(logs, w.tx.LedgerLog.Create().SetAgencyID(w.agencyID).SetKind(ledgerlog.KindCOMPLAINT).SetRegistrantID(reg).
				SetAssignmentID(id).SetOccurredOn(dateOf(on)).SetContent("休憩時間が業務の都合で取りにくい").
				SetHandling("派遣先責任者と協議し、交代で休憩を取れるよう当番表を作成（翌週解決）"))
		}
		if i%12 == 0 {
			logs = append(logs, w.tx.LedgerLog.Create().SetAgencyID(w.agencyID).SetKind(ledgerlog.KindCAREER_CONSULTING).SetRegistrantID(reg).
				SetAssignmentID(id).SetOccurredOn(dateOf(on)).SetContent("キャリアコンサルタントによる面談（今後の職種・資格取得の相談）"))
		}
	}
	if longest >= 0 {
		a := w.ap.assignments[longest]
		logs = append(logs, w.tx.LedgerLog.Create().SetAgencyID(w.agencyID).SetKind(ledgerlog.KindSTABILITY_MEASURE).
			SetRegistrantID(w.registrantIDs[a.reg]).SetAssignmentID(w.assignmentIDs[longest]).SetOccurredOn(dateOf(w.p.day(-7))).
			SetContent("派遣先への直接雇用の依頼（法30条1項1号）").SetHandling("派遣先で検討中"))
	}
	if _, err := bulk(ctx, w.tx.LedgerLog.CreateBulk, logs, func(l *ent.LedgerLog) int { return l.ID }); err != nil {
		return err
	}
	return w.sampleGeneralWages(ctx)
}

// contactNames are the demo's client-side contacts (invented).
var contactNames = []string{"田中 浩", "鈴木 恵子", "高橋 誠", "伊藤 直美", "渡辺 剛", "山本 由美", "中村 修", "小林 明美", "加藤 隆", "吉田 真理"}

func (w *writer) contact(role dispatchcontact.Role, scope, department, name, phone string) *ent.DispatchContactCreate {
	return w.tx.DispatchContact.Create().SetAgencyID(w.agencyID).SetRole(role).SetScopeKey(scope).
		SetName(name).SetDepartment(department).SetPhone(phone)
}

// sampleGeneralWages writes the sample table for this fiscal year and the next: every demo job
// category in every prefecture of the agency's sites, at 0, 1 and 3 years of experience.
func (w *writer) sampleGeneralWages(ctx context.Context) error {
	lowest := map[string]int{} // job category → the lowest wage paid or offered in it
	note := func(cat string, wage int) {
		if cur, ok := lowest[cat]; !ok || wage < cur {
			lowest[cat] = wage
		}
	}
	for _, p := range w.ap.postings {
		note(p.category, p.wage)
	}
	for _, a := range w.ap.assignments {
		note(w.ap.postings[a.post].category, a.wage)
	}
	prefs := map[string]bool{}
	for _, s := range w.ap.sites {
		prefs[s.loc.pref] = true
	}
	cats := make([]string, 0, len(lowest))
	for c := range lowest {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	fy := w.p.today.Year()
	if w.p.today.Month() < time.April {
		fy--
	}
	experience := []struct{ years, index int }{{0, 1000}, {1, 1030}, {3, 1060}} // tenths of a percent
	var rows []*ent.GeneralWageCreate
	for _, year := range []int{fy, fy + 1} {
		for _, cat := range cats {
			for pref := range prefs {
				area := 1000
				if pref == "東京都" {
					area = 1020
				}
				// base × 106.0% × area stays at or under the lowest demo wage of the category.
				base := lowest[cat] * 1000 * 1000 / (1060 * area) / 10 * 10
				for _, e := range experience {
					rows = append(rows, w.tx.GeneralWage.Create().SetAgencyID(w.agencyID).SetFiscalYear(year).SetJobCategory(cat).
						SetExperienceYears(e.years).SetPrefecture(pref).SetBaseWage(base).SetExperienceIndex(e.index).
						SetAreaIndex(area).SetSample(true))
				}
			}
		}
	}
	_, err := bulk(ctx, w.tx.GeneralWage.CreateBulk, rows, func(g *ent.GeneralWage) int { return g.ID })
	return err
}
