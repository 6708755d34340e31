// Package records builds the records the Worker Dispatch Act (労働者派遣法) obliges an agency to keep
// and hand over (DESIGN.md §11), from the same data that drives placement: pure builders over plain
// values, so every legal item is computed in one place and tested without a database. Callers load
// an Assignment (and the rows around it) and render the result (GraphQL, PDF, CSV).
//
// A legal item the data cannot fill is never printed blank: it is reported as a Gap naming the item
// and the article, so staff can complete the record before it is handed over.
package records

import (
	"fmt"
	"time"
)

// Employment kinds as the pipeline stores them.
const (
	FixedTerm  = "FIXED_TERM"
	Indefinite = "INDEFINITE"
)

// Posting types whose records carry extra items.
const TempToPerm = "TEMP_TO_PERM" // 紹介予定派遣

// Contact is a person or desk and how to reach them.
type Contact struct {
	Name, Department, Phone string
}

func (c Contact) empty() bool { return c.Name == "" || c.Phone == "" }

func (c Contact) String() string {
	s := c.Name
	if c.Department != "" {
		s = c.Department + " " + s
	}
	if c.Phone != "" {
		s += "（" + c.Phone + "）"
	}
	return s
}

// Enrollment is one social or employment insurance of the worker.
type Enrollment struct {
	Enrolled  bool
	ReasonNot string // required when not enrolled (35条: the reason is notified)
}

// Worker is what the records need about the dispatched worker. Age enters only as Is60Plus.
type Worker struct {
	Name             string
	Employment       string // FixedTerm or Indefinite
	AgreementCovered *bool  // 協定対象派遣労働者 (労使協定方式); nil: not decided
	Is60Plus         bool
	// nil: not recorded.
	HealthInsurance, PensionInsurance, EmploymentInsurance *Enrollment
}

// Assignment is one dispatch with everything its records print. Optional items are pointers or
// empty strings; the builders report the ones a record needs as gaps.
type Assignment struct {
	ID     int
	Worker Worker

	AgencyName           string
	AgencyLicense        string  // 許可番号
	AgencyResponsible    Contact // 派遣元責任者
	ClientName           string
	SiteName, SiteAddr   string
	OrgUnit              string  // 組織単位
	ClientResponsible    Contact // 派遣先責任者
	Supervisor           Contact // 指揮命令者
	ComplaintAgency      Contact // 苦情の申出先（派遣元）
	ComplaintClient      Contact // 苦情の申出先（派遣先）
	WorkContent          string  // 業務内容
	Responsibility       string  // 責任の程度
	Start, End           time.Time
	WorkingDays          string // e.g. 月〜金（祝日を除く）
	WorkingHours         string // e.g. 9:00〜18:00
	Breaks               string // e.g. 12:00〜13:00（60分）
	Overtime             string // 時間外労働
	HolidayWork          string // 休日労働
	SafetyHealth         string // 安全及び衛生
	Welfare              string // 福祉の増進のための便宜供与
	EarlyTermination     string // 派遣契約解除の場合の措置
	ConflictDate         *time.Time
	IndividualLimitDate  *time.Time // the last day the worker may stay at this org unit; nil: exempt or unknown
	HourlyWage           int
	BillRate             *int // 派遣料金 (hourly)
	PostingType          string
	TempToPermConditions string // 紹介予定派遣: 職業紹介の予定、求人条件

	accountRepID     int  // the posting's account rep: who may read the bill rate
	billRateWithheld bool // the viewer may not read the bill rate: the item says so instead of a gap
	// The ledger's logs, one dated line each (苦情処理, 教育訓練・キャリアコンサルティング, 雇用安定措置).
	complaints, training, stability []string
}

// Gap is a legal item a record needs and the data does not hold.
type Gap struct {
	Item string // the item as the record labels it
	Law  string // the article that requires it
}

func (g Gap) String() string { return fmt.Sprintf("%s（%s）", g.Item, g.Law) }

// Item is one labelled line of a record, in the record's order.
type Item struct {
	Label string
	Law   string
	Value string
}

// Record is a built document: its items in order and the gaps that keep it from being complete.
type Record struct {
	Title string
	Items []Item
	Gaps  []Gap
	// Kind and SubjectID name the document for its download (set by the Service): "terms-sheet",
	// "client-notice" or "ledger", and the assignment's id.
	Kind      string
	SubjectID int
}

// Document kinds served as PDF.
const (
	KindTermsSheet   = "terms-sheet"
	KindClientNotice = "client-notice"
	KindLedger       = "ledger"
)

// Complete reports whether every item the law requires is filled.
func (r Record) Complete() bool { return len(r.Gaps) == 0 }

// Value returns the value of the item labelled label ("" when absent).
func (r Record) Value(label string) string {
	for _, it := range r.Items {
		if it.Label == label {
			return it.Value
		}
	}
	return ""
}

// builder appends items, turning an empty value into a gap.
type builder struct{ r Record }

func (b *builder) add(label, law, value string) {
	if value == "" {
		b.r.Gaps = append(b.r.Gaps, Gap{Item: label, Law: law})
	}
	b.r.Items = append(b.r.Items, Item{Label: label, Law: law, Value: value})
}

func (b *builder) contact(label, law string, c Contact) {
	if c.empty() {
		b.add(label, law, "")
		return
	}
	b.add(label, law, c.String())
}

func date(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

func optDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return date(*t)
}

func yesNo(b bool) string {
	if b {
		return "該当"
	}
	return "非該当"
}

func yen(n int) string { return fmt.Sprintf("%s円", thousands(n)) }

func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func employment(kind string) string {
	switch kind {
	case Indefinite:
		return "無期雇用"
	case FixedTerm:
		return "有期雇用"
	}
	return ""
}

func covered(b *bool) string {
	if b == nil {
		return ""
	}
	if *b {
		return "協定対象派遣労働者である"
	}
	return "協定対象派遣労働者ではない"
}

func enrollment(e *Enrollment) string {
	switch {
	case e == nil:
		return ""
	case e.Enrolled:
		return "有"
	case e.ReasonNot == "":
		return "" // not enrolled without the reason 35条 requires
	default:
		return "無（" + e.ReasonNot + "）"
	}
}

// individualLimit prints the individual-limit date, or the exemption that makes it not apply.
func individualLimit(a Assignment) string {
	switch {
	case a.Worker.Employment == Indefinite:
		return "適用なし（無期雇用）"
	case a.Worker.Is60Plus:
		return "適用なし（60歳以上）"
	}
	return optDate(a.IndividualLimitDate)
}
