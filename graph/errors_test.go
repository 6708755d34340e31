package graph

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/example/staffcrm/internal/session"
)

// TestSentinelCodes: every sentinel of the table answers its code wrapped as services wrap it, and
// not-found answers say only "not found" whichever service said it.
func TestSentinelCodes(t *testing.T) {
	present := ErrorPresenter(slog.New(slog.NewTextHandler(io.Discard, nil)), func(context.Context) string { return "rid" })
	for _, s := range sentinelCodes {
		got := present(context.Background(), fmt.Errorf("do something: %w", s.err))
		if got.Extensions["code"] != s.code {
			t.Errorf("%v: code %v, want %s", s.err, got.Extensions["code"], s.code)
		}
		if s.code == CodeNotFound && got.Message != "not found" {
			t.Errorf("%v: message %q", s.err, got.Message)
		}
	}
	busy := present(context.Background(), fmt.Errorf("refresh: %w", session.ErrRefreshBusy))
	if busy.Extensions["code"] != CodeConflict || busy.Extensions["retryable"] != true {
		t.Errorf("refresh busy: %v", busy.Extensions)
	}
}
