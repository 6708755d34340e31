package mail

import (
	"context"
	"encoding/base64"
	"net"
	"net/textproto"
	"strings"
	"testing"
)

// fakeSMTP accepts one message on a local listener and returns what it received.
func fakeSMTP(t *testing.T) (addr string, got <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		tp := textproto.NewConn(c)
		_ = tp.PrintfLine("220 fake ESMTP")
		var data strings.Builder
		for {
			line, err := tp.ReadLine()
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
			switch cmd {
			case "EHLO", "HELO":
				_ = tp.PrintfLine("250 fake")
			case "MAIL", "RCPT", "RSET", "NOOP":
				data.WriteString(line + "\n")
				_ = tp.PrintfLine("250 ok")
			case "DATA":
				_ = tp.PrintfLine("354 go on")
				b, err := tp.ReadDotBytes()
				if err != nil {
					return
				}
				data.Write(b)
				_ = tp.PrintfLine("250 queued")
			case "QUIT":
				_ = tp.PrintfLine("221 bye")
				ch <- data.String()
				return
			default:
				_ = tp.PrintfLine("502 no")
			}
		}
	}()
	return ln.Addr().String(), ch
}

func TestSMTPDelivers(t *testing.T) {
	addr, got := fakeSMTP(t)
	m := Message{To: "hanako@example.jp", Subject: "メールアドレスの確認", Body: "山田 様\n\n確認してください。",
		Link: "https://crm.example/verify-email?token=abc", Purpose: "registrant_verify_email"}
	if err := (SMTP{Addr: addr, From: "no-reply@crm.example"}).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	raw := <-got
	for _, want := range []string{"MAIL FROM:<no-reply@crm.example>", "RCPT TO:<hanako@example.jp>", "Subject: =?UTF-8?b?"} {
		if !strings.Contains(raw, want) {
			t.Errorf("missing %q in:\n%s", want, raw)
		}
	}
	// textproto hands the DATA over with LF line ends.
	_, body, _ := strings.Cut(strings.ReplaceAll(raw, "\r\n", "\n"), "\n\n")
	dec, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(body))
	if err != nil {
		t.Fatalf("body not base64: %v\n%s", err, body)
	}
	if !strings.Contains(string(dec), "確認してください") || !strings.Contains(string(dec), m.Link) {
		t.Errorf("body lost the text or the link: %q", dec)
	}
}

func TestSMTPRefusedIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := (SMTP{Addr: addr, From: "a@b.example"}).Send(context.Background(), Message{To: "x@y.example"}); err == nil {
		t.Fatal("delivery to a closed port succeeded")
	}
}
