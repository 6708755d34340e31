package staff

import (
	"errors"
	"slices"
	"testing"

	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/invalid"
)

func ptr[T any](v T) *T { return &v }

func TestCheckInvite(t *testing.T) {
	ok := Invite{Email: " New.Coord@Example.JP ", Name: " 新 コーディ ", Role: auth.RoleCoordinator,
		Specialties: []string{"一般事務", "一般事務"}, Regions: []string{"東京都", "神奈川県"}}
	got, err := CheckInvite(ok)
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "new.coord@example.jp" || got.Name != "新 コーディ" || *got.Capacity != DefaultCapacity ||
		!slices.Equal(got.Specialties, []string{"一般事務"}) {
		t.Fatalf("normalised = %+v", got)
	}
	for _, tc := range []struct {
		name, field string
		in          Invite
	}{
		{"bad e-mail", "email", Invite{Email: "not-an-address", Name: "x", Role: auth.RoleAdmin}},
		{"empty name", "name", Invite{Email: "a@b.jp", Name: " ", Role: auth.RoleAdmin}},
		{"registrant role", "role", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleRegistrant}},
		{"sales rep without kind", "salesRepKind", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleSalesRep}},
		{"sales rep bad kind", "salesRepKind", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleSalesRep, SalesRepKind: "BOTH"}},
		{"coordinator with kind", "salesRepKind", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleCoordinator, SalesRepKind: KindAccount}},
		{"admin with capacity", "capacity", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleAdmin, Capacity: ptr(3)}},
		{"capacity negative", "capacity", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleCoordinator, Capacity: ptr(-1)}},
		{"capacity huge", "capacity", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleCoordinator, Capacity: ptr(MaxCapacity + 1)}},
		{"empty specialty", "specialties", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleCoordinator, Specialties: []string{" "}}},
		{"region not a prefecture", "regions", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleCoordinator, Regions: []string{"Kanto"}}},
		{"sales rep regions", "regions", Invite{Email: "a@b.jp", Name: "x", Role: auth.RoleSalesRep, SalesRepKind: KindService, Regions: []string{"東京都"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CheckInvite(tc.in)
			var ie *invalid.Error
			if !errors.As(err, &ie) || ie.Field != tc.field {
				t.Fatalf("err = %v, want an invalid %s", err, tc.field)
			}
		})
	}
}

func TestCheckChangesAndPassword(t *testing.T) {
	if _, err := CheckChanges(auth.RoleSalesRep, Changes{Capacity: ptr(0), Specialties: []string{}}); err != nil {
		t.Fatalf("capacity 0 (takes nothing new) refused: %v", err)
	}
	for _, tc := range []struct {
		name, field string
		err         error
	}{
		{"name too long", "name", func() error {
			_, err := CheckChanges(auth.RoleCoordinator, Changes{Name: ptr(string(make([]rune, MaxNameRunes+1)))})
			return err
		}()},
		{"capacity", "capacity", func() error { _, err := CheckChanges(auth.RoleCoordinator, Changes{Capacity: ptr(-2)}); return err }()},
		{"regions for a rep", "regions", func() error {
			_, err := CheckChanges(auth.RoleSalesRep, Changes{Regions: []string{"東京都"}})
			return err
		}()},
		{"short password", "password", auth.CheckNewPassword("short")},
	} {
		var ie *invalid.Error
		if !errors.As(tc.err, &ie) || ie.Field != tc.field {
			t.Errorf("%s: err = %v, want an invalid %s", tc.name, tc.err, tc.field)
		}
	}
	if err := auth.CheckNewPassword("correct horse battery"); err != nil {
		t.Fatal(err)
	}
}
