package signup

import (
	"errors"
	"testing"

	"github.com/example/staffcrm/internal/invalid"
)

func valid() Registration {
	return Registration{AgencySlug: "demo", Email: " Hanako@Example.JP ", Password: "correct horse battery",
		Name: " 山田 花子 ", Kana: "やまだ はなこ", Phone: "+81 90-1234-5678", Prefecture: "東京都",
		PrivacyPolicyVersion: "v1", SkillSheetProvisionVersion: "v1"}
}

func TestCheckRegistration(t *testing.T) {
	got, err := CheckRegistration(valid(), "v1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "hanako@example.jp" || got.Name != "山田 花子" {
		t.Fatalf("not normalised: %+v", got)
	}
	for _, c := range []struct {
		field  string
		change func(*Registration)
	}{
		{"agencySlug", func(r *Registration) { r.AgencySlug = " " }},
		{"email", func(r *Registration) { r.Email = "hanako" }},
		{"password", func(r *Registration) { r.Password = "eleven char" }},
		{"name", func(r *Registration) { r.Name = "" }},
		{"kana", func(r *Registration) { r.Kana = "Yamada" }},
		{"kana", func(r *Registration) { r.Kana = "山田" }},
		{"phone", func(r *Registration) { r.Phone = "090-1234" }},
		{"phone", func(r *Registration) { r.Phone = "090-1234-5678 ext" }},
		{"prefecture", func(r *Registration) { r.Prefecture = "Tokyo" }},
		{"privacyPolicyVersion", func(r *Registration) { r.PrivacyPolicyVersion = "v0" }},
		{"skillSheetProvisionVersion", func(r *Registration) { r.SkillSheetProvisionVersion = "" }},
	} {
		r := valid()
		c.change(&r)
		_, err := CheckRegistration(r, "v1")
		var ie *invalid.Error
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
	// Katakana with the long-vowel mark and an ideographic space is a reading too; no phone is fine.
	r := valid()
	r.Kana, r.Phone = "サトウ\u3000ユーコ", ""
	if _, err := CheckRegistration(r, "v1"); err != nil {
		t.Errorf("katakana reading refused: %v", err)
	}
}
