package graph

import (
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/registrants"
	"github.com/example/staffcrm/internal/signup"
)

// The registrant-account edge: input mapping for registrants.resolvers.go. The rules are in
// internal/signup and internal/registrants.

func (r *Resolver) signup() *signup.Service {
	s := &signup.Service{Client: r.Client, Mailer: r.Mailer, PublicURL: r.PublicURL, PolicyVersion: r.PolicyVersion}
	if r.Limits != nil {
		s.MailsPerAddress = r.Limits.MailsPerAddress
	}
	return s
}

func (r *Resolver) registrants() *registrants.Service {
	return &registrants.Service{Client: r.Client, Pipeline: r.Pipeline}
}

func receiptOf(rc signup.Receipt) *model.EmailReceipt {
	return &model.EmailReceipt{Email: rc.Email, Message: rc.Message}
}

func skillsOf(in []*model.SkillInput) []registrants.Skill {
	out := make([]registrants.Skill, len(in))
	for i, s := range in {
		out[i] = registrants.Skill{Name: s.Name, Level: s.Level, Years: s.Years}
	}
	return out
}

func historyOf(in *model.WorkHistoryInput) registrants.WorkHistory {
	kind := string(in.Kind)
	return registrants.WorkHistory{Company: &in.Company, LegalEntityNumber: in.LegalEntityNumber, Industry: in.Industry,
		JobCategory: &in.JobCategory, Tasks: in.Tasks, TaskTags: in.TaskTags, StartDate: &in.StartDate,
		EndDate: in.EndDate, Kind: &kind}
}

func historyChangesOf(in *model.WorkHistoryChanges) registrants.WorkHistory {
	out := registrants.WorkHistory{Company: in.Company, LegalEntityNumber: in.LegalEntityNumber, Industry: in.Industry,
		JobCategory: in.JobCategory, Tasks: in.Tasks, TaskTags: in.TaskTags, StartDate: in.StartDate,
		EndDate: in.EndDate, ClearEndDate: in.ClearEndDate != nil && *in.ClearEndDate}
	if in.Kind != nil {
		k := string(*in.Kind)
		out.Kind = &k
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
