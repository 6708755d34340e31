package signup_test

import (
	"context"
	"testing"
	"time"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/ratelimit"
	"github.com/example/staffcrm/internal/signup"
)

// An address receives at most the limit's mails however often someone asks, and every request still
// gets the same receipt; concurrent sign-ups for one address create one account.
func TestMailsPerAddressAndConcurrentSignUps(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			db := dbtest.Open(t, kind)
			sys := access.System(context.Background(), "test fixture")
			db.Client.Agency.Create().SetName("デモ派遣").SetSlug("demo").ExecX(sys)
			rec := &mail.Recorder{}
			s := &signup.Service{Client: db.Client, Mailer: rec, PolicyVersion: "v1",
				MailsPerAddress: ratelimit.New(time.Hour, 2)}
			in := signup.Registration{AgencySlug: "demo", Email: "hanako@example.jp", Password: "correct horse battery",
				Name: "山田 花子", Kana: "ヤマダ ハナコ", Prefecture: "東京都", PrivacyPolicyVersion: "v1", SkillSheetProvisionVersion: "v1"}
			var first signup.Receipt
			for i := range 5 {
				rc, err := s.Register(context.Background(), in)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = rc
				} else if rc != first {
					t.Fatalf("receipt %d differs: %+v vs %+v", i, rc, first)
				}
			}
			for range 3 {
				if rc, err := s.RequestPasswordReset(context.Background(), "hanako@example.jp"); err != nil || rc != first {
					t.Fatalf("reset: %+v %v", rc, err)
				}
			}
			if len(rec.Sent) != 2 {
				t.Fatalf("%d mails to one address, want the limit's 2", len(rec.Sent))
			}

			// Concurrent sign-ups for a new address: one account, every caller the same receipt.
			s.MailsPerAddress = nil
			in.Email = "race@example.jp"
			const n = 8
			errs := make(chan error, n)
			for range n {
				go func() {
					_, err := s.Register(context.Background(), in)
					errs <- err
				}()
			}
			for range n {
				if err := <-errs; err != nil {
					t.Errorf("concurrent sign-up: %v", err)
				}
			}
			if c := db.Client.Account.Query().Where(account.Email("race@example.jp")).CountX(sys); c != 1 {
				t.Fatalf("%d accounts for one address", c)
			}
		})
	}
}
