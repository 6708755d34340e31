package pipeline

import "testing"

func TestRegistrantStatus(t *testing.T) {
	for in, want := range map[string]string{
		"APPLIED": InReview, "SCREENING": InReview, "SCREENING_PASSED": InReview,
		"SCREENING_REJECTED": NotSelected, "CLIENT_MEETING": Meeting, "OFFERED": Offered,
		"ACCEPTED": Offered, "PLACED": Placed, "WITHDRAWN": Withdrawn, "DECLINED": Withdrawn,
		"CLIENT_REJECTED": NotSelected,
	} {
		if got := RegistrantStatus(in); got != want {
			t.Errorf("RegistrantStatus(%s) = %s, want %s", in, got, want)
		}
	}
}
