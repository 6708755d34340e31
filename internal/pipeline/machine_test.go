package pipeline

import (
	"errors"
	"testing"
)

func TestCanTransition(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		actor    Actor
		ok       bool
	}{
		{Applied, Screening, ByStaff, true},
		{Applied, OfferedStatus, ByStaff, false},
		{Screening, ScreeningPassed, ByStaff, true},
		{Screening, ScreeningRejected, ByStaff, true},
		{ScreeningPassed, ClientMeeting, ByStaff, true},
		{ScreeningPassed, OfferedStatus, ByStaff, true},
		{ClientMeeting, ClientRejected, ByStaff, true},
		{OfferedStatus, Accepted, ByStaff, true},
		{Accepted, PlacedStatus, ByStaff, true},
		{OfferedStatus, PlacedStatus, ByStaff, false},
		{PlacedStatus, WithdrawnStatus, ByRegistrant, false},
		{Accepted, WithdrawnStatus, ByRegistrant, true},
		{OfferedStatus, Accepted, ByRegistrant, true}, // acceptOffer in the app
		{Accepted, PlacedStatus, ByRegistrant, false},
		{ScreeningPassed, Accepted, ByRegistrant, false},
		{Applied, WithdrawnStatus, ByRegistrant, true},
		{OfferedStatus, Declined, ByRegistrant, true},
		{ClientMeeting, Declined, ByRegistrant, false},
		{Applied, Screening, ByRegistrant, false},
		{OfferedStatus, Declined, ByStaff, false},
		{WithdrawnStatus, Applied, ByStaff, false},
		{ScreeningRejected, WithdrawnStatus, ByRegistrant, false},
	} {
		err := CanTransition(tc.from, tc.to, tc.actor)
		if (err == nil) != tc.ok {
			t.Errorf("%s → %s by %s: err=%v, want ok=%v", tc.from, tc.to, tc.actor, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidTransition) {
			t.Errorf("error %v is not ErrInvalidTransition", err)
		}
	}
}

// FuzzMachine: any sequence of requested moves by any actor only ever lands in statuses of the graph,
// never leaves a terminal status, and reaches PLACED only through ACCEPTED.
func FuzzMachine(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{9, 9, 9, 200, 13, 77})
	f.Fuzz(func(t *testing.T, moves []byte) {
		s := Applied
		for _, m := range moves {
			to := Statuses[int(m)%len(Statuses)]
			actor := ByStaff
			if m&0x80 != 0 {
				actor = ByRegistrant
			}
			before := s
			if CanTransition(s, to, actor) == nil {
				s = to
			}
			if !contains(Statuses, s) {
				t.Fatalf("left the graph: %s", s)
			}
			if !IsActive(before) && s != before {
				t.Fatalf("moved out of terminal %s to %s", before, s)
			}
			if s == PlacedStatus && before != PlacedStatus && before != Accepted {
				t.Fatalf("PLACED from %s", before)
			}
		}
	})
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
