// Package staff owns the agency's staff accounts (§10): invitations with a one-time set-password
// link, disabling (sessions end, open inquiries are routed again) and re-enabling, capacity,
// specialties and regions, and going on and off shift. The input rules are plain Go over plain
// values; Service checks the viewer's scope before the statements that need access.System.
package staff

import (
	"strings"
	"unicode/utf8"

	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/region"
)

// Kind of sales rep (salesrep.Kind values).
const (
	KindAccount = "ACCOUNT"
	KindService = "SERVICE"
)

// Limits.
const (
	MaxNameRunes      = 100
	MaxCapacity       = 1000
	DefaultCapacity   = 10
	MaxSpecialties    = 50
	MaxSpecialtyRunes = 100
)

// Invite is a new staff member.
type Invite struct {
	Email        string
	Name         string
	Role         auth.Role // ADMIN, COORDINATOR or SALES_REP
	SalesRepKind string    // ACCOUNT or SERVICE, sales reps only
	Capacity     *int
	Specialties  []string
	Regions      []string // coordinators only
}

// Changes to a coordinator or sales rep; nil fields stay.
type Changes struct {
	Name        *string
	Capacity    *int
	Specialties []string
	Regions     []string
	Available   *bool
}

// CheckInvite validates an invitation and returns it normalised (e-mail lower-cased and trimmed,
// name trimmed, the default capacity filled in).
func CheckInvite(in Invite) (Invite, error) {
	email, err := auth.NormalizeEmail(in.Email)
	if err != nil {
		return Invite{}, err
	}
	in.Email = email
	name, err := checkName(in.Name)
	if err != nil {
		return Invite{}, err
	}
	in.Name = name
	switch in.Role {
	case auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSalesRep:
	default:
		return Invite{}, invalid.Field("role", "staff are ADMIN, COORDINATOR or SALES_REP")
	}
	switch {
	case in.Role == auth.RoleSalesRep && in.SalesRepKind != KindAccount && in.SalesRepKind != KindService:
		return Invite{}, invalid.Field("salesRepKind", "a sales rep is ACCOUNT or SERVICE")
	case in.Role != auth.RoleSalesRep && in.SalesRepKind != "":
		return Invite{}, invalid.Field("salesRepKind", "only sales reps have a kind")
	}
	if in.Role == auth.RoleAdmin && (in.Capacity != nil || len(in.Specialties) > 0 || len(in.Regions) > 0) {
		field := "capacity"
		if in.Capacity == nil {
			field = "specialties"
			if len(in.Specialties) == 0 {
				field = "regions"
			}
		}
		return Invite{}, invalid.Field(field, "admins take no inquiries: no capacity, specialties or regions")
	}
	if in.Role == auth.RoleAdmin {
		return in, nil
	}
	if in.Capacity == nil {
		c := DefaultCapacity
		in.Capacity = &c
	}
	ch, err := CheckChanges(in.Role, Changes{Capacity: in.Capacity, Specialties: in.Specialties, Regions: in.Regions})
	if err != nil {
		return Invite{}, err
	}
	in.Specialties, in.Regions = ch.Specialties, ch.Regions
	return in, nil
}

// CheckChanges validates changes to a staff member of role (COORDINATOR or SALES_REP).
func CheckChanges(role auth.Role, c Changes) (Changes, error) {
	if c.Name != nil {
		n, err := checkName(*c.Name)
		if err != nil {
			return Changes{}, err
		}
		c.Name = &n
	}
	if c.Capacity != nil && (*c.Capacity < 0 || *c.Capacity > MaxCapacity) {
		return Changes{}, invalid.Field("capacity", "must be between 0 and %d, got %d", MaxCapacity, *c.Capacity)
	}
	if c.Specialties != nil {
		if len(c.Specialties) > MaxSpecialties {
			return Changes{}, invalid.Field("specialties", "at most %d", MaxSpecialties)
		}
		out := make([]string, 0, len(c.Specialties))
		for _, s := range c.Specialties {
			s = strings.TrimSpace(s)
			if s == "" || utf8.RuneCountInString(s) > MaxSpecialtyRunes {
				return Changes{}, invalid.Field("specialties", "each job category has 1 to %d characters", MaxSpecialtyRunes)
			}
			if !contains(out, s) {
				out = append(out, s)
			}
		}
		c.Specialties = out
	}
	if c.Regions != nil {
		if role != auth.RoleCoordinator {
			return Changes{}, invalid.Field("regions", "only coordinators cover regions")
		}
		out := make([]string, 0, len(c.Regions))
		for _, r := range c.Regions {
			if !region.IsPrefecture(r) {
				return Changes{}, invalid.Field("regions", "%q is not one of the 47 prefectures (e.g. 東京都)", r)
			}
			if !contains(out, r) {
				out = append(out, r)
			}
		}
		c.Regions = out
	}
	return c, nil
}

func checkName(n string) (string, error) {
	n = strings.TrimSpace(n)
	if n == "" || utf8.RuneCountInString(n) > MaxNameRunes {
		return "", invalid.Field("name", "1 to %d characters", MaxNameRunes)
	}
	return n, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
