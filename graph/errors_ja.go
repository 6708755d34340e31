package graph

import (
	"errors"
	"fmt"

	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/lang"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/records"
	"github.com/example/staffcrm/internal/registrants"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/session"
	"github.com/example/staffcrm/internal/signup"
	"github.com/example/staffcrm/internal/staff"
	"github.com/example/staffcrm/internal/threads"
)

// Japanese messages (the default language; English with Accept-Language: en). An error people act
// on has its own sentence; any other gets its code's, and the English text stays in
// extensions.detail for developers.

var japaneseSentinels = []struct {
	err error
	ja  string
}{
	{session.ErrInvalidCredentials, "メールアドレスまたはパスワードが正しくありません。"},
	{session.ErrAccountDisabled, "このアカウントは無効になっています。管理者にお問い合わせください。"},
	{session.ErrEmailUnverified, "メールアドレスの確認が済んでいません。お送りしたリンクを開くか、確認メールを再送してください。"},
	{session.ErrRefreshReused, "セッションの安全のため、もう一度サインインしてください。"},
	{session.ErrSessionEnded, "セッションが終了しました。もう一度サインインしてください。"},
	{staff.ErrLinkInvalid, "このリンクは無効か期限切れです。新しいリンクを依頼してください。"},
	{signup.ErrLinkInvalid, "確認リンクが無効か期限切れです。確認メールを再送してください。"},
	{threads.ErrClosed, "このお問い合わせは解決済みです。新しいお問い合わせをお送りください。"},
	{threads.ErrNotAssignee, "このお問い合わせの担当者（または管理者）のみ返信できます。"},
	{registrants.ErrAssignmentOngoing, "就業中または就業予定の派遣契約があるため、現在は退会できません。担当者にご相談ください。"},
	{routing.ErrOpenInquiryExists, "同じ内容のお問い合わせが受付中です。"},
	{records.ErrAdminOnlyContact, "派遣元責任者と派遣元の苦情窓口は管理者のみ設定できます。"},
	{records.ErrCoordinatorsOnly, "社会保険・雇用保険の加入状況は管理者とコーディネーターのみ記録できます。"},
}

var japaneseCodes = map[string]string{
	CodeUnauthenticated:     "サインインが必要です。",
	CodeForbidden:           "この操作を行う権限がありません。",
	CodeNotFound:            "見つかりません。",
	CodeBadUserInput:        "入力内容に誤りがあります。",
	CodeConflict:            "ほかの変更と競合しました。もう一度お試しください。",
	CodeInvalidTransition:   "現在の状態ではこの操作はできません。",
	CodeComplianceViolation: "労働者派遣法上の要件を満たしていません。",
	CodeRateLimited:         "操作が多すぎます。しばらくしてからお試しください。",
	CodeInternal:            "システムエラーが発生しました。",
}

// japanese is the Japanese message for err answered with code.
func japanese(err error, code string) string {
	for _, s := range japaneseSentinels {
		if errors.Is(err, s.err) {
			return s.ja
		}
	}
	var bad *records.ImportError
	if errors.As(err, &bad) {
		return fmt.Sprintf("CSV の %d 行に誤りがあるため、何も取り込んでいません（extensions.lines に行番号と理由があります）。", len(bad.Lines))
	}
	var ie *invalid.Error
	if code == CodeBadUserInput && errors.As(err, &ie) {
		return "入力内容に誤りがあります（" + ie.Field + "）。"
	}
	if code == CodeComplianceViolation {
		if fs := findings(err); len(fs) > 0 {
			return fs[0].Text.In(lang.Japanese)
		}
	}
	return japaneseCodes[code]
}

// findings are the compliance findings a COMPLIANCE_VIOLATION error carries (their rules are in
// extensions.rules): the first says what blocked, as the English message does.
func findings(err error) []compliance.Finding {
	var co *pipeline.ComplianceError
	var cv *compliance.ViolationError
	switch {
	case errors.As(err, &co):
		return co.Findings
	case errors.As(err, &cv):
		return cv.Findings
	}
	return nil
}
