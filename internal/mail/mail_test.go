package mail

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestLogNeverLogsTheLinkInProduction(t *testing.T) {
	const secret = "tok_5ecret_value"
	m := Message{To: "new.staff@example.jp", Subject: "招待", Body: "パスワードを設定してください", Link: "https://crm.example/set-password?token=" + secret, Purpose: "staff_invite"}
	for _, dev := range []bool{false, true} {
		var buf bytes.Buffer
		if err := (Log{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), Development: dev}).Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		switch {
		case !dev && (strings.Contains(out, secret) || strings.Contains(out, "new.staff@")):
			t.Fatalf("production log reveals the token or the address: %s", out)
		case !dev && !strings.Contains(out, "n***@example.jp"):
			t.Fatalf("production log lacks the masked recipient: %s", out)
		case dev && !strings.Contains(out, secret):
			t.Fatalf("development log lacks the link: %s", out)
		}
	}
}
