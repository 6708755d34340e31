package webhooks

import (
	"context"

	entgo "entgo.io/ent"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/ent/posting"
)

// The outbox hooks of the reported entities, installed by their ent schemas. Each reads nothing
// unless the write can produce an event.

type none struct{}

func noPre[M any](context.Context, M) (none, error) { return none{}, nil }

// InquiryHook reports assignments, hand-offs and resolutions, and the next-job inquiry of an
// assignment ending.
func InquiryHook() entgo.Hook {
	may := func(m *ent.InquiryMutation) []string {
		var types []string
		if st, set := m.Status(); set {
			switch st {
			case inquiry.StatusASSIGNED:
				types = append(types, InquiryAssigned)
			case inquiry.StatusHANDED_OFF:
				types = append(types, InquiryHandedOff)
			case inquiry.StatusRESOLVED:
				types = append(types, InquiryResolved)
			}
		}
		if k, _ := m.Kind(); m.Op().Is(entgo.OpCreate) && k == inquiry.KindNEXT_JOB {
			types = append(types, AssignmentEnding)
		}
		return types
	}
	return outbox("inquiry", may, noPre[*ent.InquiryMutation], func(m *ent.InquiryMutation, _ none, v entgo.Value) []Event {
		inq, ok := v.(*ent.Inquiry)
		if !ok {
			return nil
		}
		_, statusSet := m.Status()
		key := ""
		if inq.IdempotencyKey != nil {
			key = *inq.IdempotencyKey
		}
		types, assignmentID := InquiryEvents(InquiryState{Created: m.Op().Is(entgo.OpCreate), StatusSet: statusSet,
			Status: string(inq.Status), Kind: string(inq.Kind), Origin: string(inq.Origin), IdempotencyKey: key})
		refs := Refs{InquiryID: ID(inq.ID), PostingID: OptID(inq.PostingID), RegistrantID: ID(inq.RegistrantID),
			CoordinatorID: OptID(inq.CoordinatorID), SalesRepID: OptID(inq.SalesRepID), Status: string(inq.Status)}
		evs := make([]Event, 0, len(types))
		for _, t := range types {
			r := refs
			if t == AssignmentEnding {
				r = Refs{AssignmentID: assignmentID, RegistrantID: refs.RegistrantID, InquiryID: refs.InquiryID}
			}
			evs = append(evs, NewEvent(t, inq.AgencyID, now(), r))
		}
		return evs
	})
}

// ApplicationHook reports every status change of an application.
func ApplicationHook() entgo.Hook {
	may := func(m *ent.ApplicationMutation) []string {
		_, set := m.Status()
		return ApplicationEvents(m.Op().Is(entgo.OpCreate), set)
	}
	return outbox("application", may, noPre[*ent.ApplicationMutation], func(m *ent.ApplicationMutation, _ none, v entgo.Value) []Event {
		a, ok := v.(*ent.Application)
		if !ok {
			return nil
		}
		_, set := m.Status()
		var evs []Event
		for _, t := range ApplicationEvents(m.Op().Is(entgo.OpCreate), set) {
			evs = append(evs, NewEvent(t, a.AgencyID, now(), Refs{ApplicationID: ID(a.ID), PostingID: ID(a.PostingID),
				RegistrantID: ID(a.RegistrantID), Status: string(a.Status)}))
		}
		return evs
	})
}

// AssignmentHook reports new and renewed assignments and early terminations.
func AssignmentHook() entgo.Hook {
	may := func(m *ent.AssignmentMutation) []string {
		st, set := m.Status()
		_, renewal := m.RenewalOfID()
		return AssignmentEvents(m.Op().Is(entgo.OpCreate), renewal, set, string(st))
	}
	return outbox("assignment", may, noPre[*ent.AssignmentMutation], func(m *ent.AssignmentMutation, _ none, v entgo.Value) []Event {
		a, ok := v.(*ent.Assignment)
		if !ok {
			return nil
		}
		_, set := m.Status()
		var evs []Event
		for _, t := range AssignmentEvents(m.Op().Is(entgo.OpCreate), a.RenewalOfID != nil, set, string(a.Status)) {
			evs = append(evs, NewEvent(t, a.AgencyID, now(), Refs{AssignmentID: ID(a.ID), RenewalOfID: OptID(a.RenewalOfID),
				PostingID: ID(a.PostingID), RegistrantID: ID(a.RegistrantID), Status: string(a.Status)}))
		}
		return evs
	})
}

// PostingHook reports a posting opening and closing; it reads the status before an update to tell
// a change from a rewrite of the same value.
func PostingHook() entgo.Hook {
	may := func(m *ent.PostingMutation) []string {
		st, set := m.Status()
		switch {
		case !set: // a new posting is a DRAFT
			return nil
		case st == posting.StatusOPEN:
			return []string{PostingOpened}
		case m.Op().Is(entgo.OpCreate): // only an open posting can close
			return nil
		}
		return []string{PostingClosed}
	}
	pre := func(ctx context.Context, m *ent.PostingMutation) (string, error) {
		if m.Op().Is(entgo.OpCreate) {
			return "", nil
		}
		old, err := m.OldStatus(ctx)
		return string(old), err
	}
	return outbox("posting", may, pre, func(m *ent.PostingMutation, old string, v entgo.Value) []Event {
		p, ok := v.(*ent.Posting)
		if !ok {
			return nil
		}
		var evs []Event
		for _, t := range PostingEvents(old, string(p.Status)) {
			evs = append(evs, NewEvent(t, p.AgencyID, now(), Refs{PostingID: ID(p.ID), Status: string(p.Status)}))
		}
		return evs
	})
}
