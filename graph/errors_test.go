package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/lang"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/session"
	"github.com/example/staffcrm/internal/staff"
)

// TestSentinelCodes: every sentinel of the table answers its code wrapped as services wrap it, and
// not-found answers say only "not found" whichever service said it.
func TestSentinelCodes(t *testing.T) {
	present := ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "rid" })
	for _, s := range sentinelCodes {
		got := present(lang.With(context.Background(), lang.English), fmt.Errorf("do something: %w", s.err))
		if got.Extensions["code"] != s.code {
			t.Errorf("%v: code %v, want %s", s.err, got.Extensions["code"], s.code)
		}
		if s.code == CodeNotFound && got.Message != "not found" {
			t.Errorf("%v: message %q", s.err, got.Message)
		}
	}
	busy := present(lang.With(context.Background(), lang.English), fmt.Errorf("refresh: %w", session.ErrRefreshBusy))
	if busy.Extensions["code"] != CodeConflict || busy.Extensions["retryable"] != true {
		t.Errorf("refresh busy: %v", busy.Extensions)
	}
}

// TestJapaneseByDefault: without a language, messages are Japanese — a sentence of its own for an
// error people act on, its code's otherwise — with the English text kept in extensions.detail.
func TestJapaneseByDefault(t *testing.T) {
	present := ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "rid" })
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("login: %w", session.ErrEmailUnverified), "メールアドレスの確認が済んでいません"},
		{fmt.Errorf("set password: %w", staff.ErrLinkInvalid), "リンクは無効か期限切れ"},
		{fmt.Errorf("advance: %w", pipeline.ErrNotFound), "見つかりません"},
		{invalid.Field("kana", "1 to 100 characters of hiragana or katakana"), "入力内容に誤りがあります（kana）"},
	} {
		got := present(context.Background(), c.err)
		if !strings.Contains(got.Message, c.want) {
			t.Errorf("%v: message %q, want it to contain %q", c.err, got.Message, c.want)
		}
		if got.Extensions["detail"] == nil {
			t.Errorf("%v: no English detail", c.err)
		}
		if en := present(lang.With(context.Background(), lang.English), c.err); en.Message == got.Message {
			t.Errorf("%v: English caller got %q", c.err, en.Message)
		}
	}
}

// TestComplianceViolationInJapanese: a COMPLIANCE_VIOLATION says its first finding, in Japanese by
// default (the English error text in extensions.detail) and in English for an English caller, from
// the pipeline and outside it alike.
func TestComplianceViolationInJapanese(t *testing.T) {
	present := ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "rid" })
	day := compliance.DayLabour(compliance.Proposal{Start: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC),
		End: time.Date(2027, 1, 20, 0, 0, 0, 0, time.UTC)}, nil)
	wage := compliance.MinimumWage(1000, "東京都", []compliance.WageFloor{{Prefecture: "東京都", HourlyWage: 1226,
		EffectiveFrom: time.Date(2025, 10, 3, 0, 0, 0, 0, time.UTC)}}, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		name     string
		err      error // as the service returns it, wrapped by the caller
		ja, rule string
	}{
		{"pipeline", &pipeline.ComplianceError{Findings: day},
			"派遣期間17日は日雇派遣（30日以内）に該当し、例外（60歳以上、昼間学生、収入要件、日雇派遣が認められる業務）のいずれにも当たらないため、派遣できません。",
			compliance.RuleDayLabour},
		{"posting below the minimum wage", &compliance.ViolationError{Findings: wage},
			"時給1,000円は、2025年10月3日から適用される東京都の最低賃金1,226円を下回っています。", compliance.RuleMinimumWage},
	} {
		t.Run(c.name, func(t *testing.T) {
			en, err := c.err.Error(), fmt.Errorf("%s: %w", c.name, c.err)
			if !strings.HasPrefix(en, "compliance violation: ") || strings.ContainsFunc(en, func(r rune) bool { return r >= 0x3040 && r < 0x3100 }) {
				t.Errorf("the error text is not English: %q", en)
			}
			ja := present(context.Background(), err)
			if ja.Message != c.ja || ja.Extensions["code"] != CodeComplianceViolation || ja.Extensions["detail"] != en ||
				fmt.Sprint(ja.Extensions["rules"]) != "["+c.rule+"]" {
				t.Errorf("Japanese: %q %v", ja.Message, ja.Extensions)
			}
			if got := present(lang.With(context.Background(), lang.English), err); got.Message != en || got.Extensions["detail"] != nil {
				t.Errorf("English: %q %v, want %q", got.Message, got.Extensions, en)
			}
		})
	}
	// Without findings the code's sentence stands.
	if got := present(context.Background(), &pipeline.ComplianceError{}); got.Message != japaneseCodes[CodeComplianceViolation] {
		t.Errorf("no findings: %q", got.Message)
	}
}
