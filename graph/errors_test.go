package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

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
