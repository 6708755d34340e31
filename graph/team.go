package graph

import (
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/staff"
)

// The staff-accounts edge: input mapping for team.resolvers.go. The rules are in internal/staff.

func (r *Resolver) staff() *staff.Service {
	return &staff.Service{Client: r.Client, Router: r.Router, Mailer: r.Mailer, PublicURL: r.PublicURL}
}

func inviteOf(in model.InviteStaffInput) staff.Invite {
	out := staff.Invite{Email: in.Email, Name: in.Name, Role: auth.Role(in.Role), Capacity: in.Capacity,
		Specialties: in.Specialties, Regions: in.Regions}
	if in.SalesRepKind != nil {
		out.SalesRepKind = in.SalesRepKind.String()
	}
	return out
}
