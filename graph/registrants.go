package graph

import (
	"context"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/registrants"
	"github.com/example/staffcrm/internal/signup"
	"github.com/example/staffcrm/internal/threads"
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

// deref is *p, or T's zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// MyInquiryPayload names the inquiry a registrant wrote in; its myInquiry field reads her view of it.
type MyInquiryPayload struct{ InquiryID int }

func (r *Resolver) threads() *threads.Service {
	return &threads.Service{Client: r.Client, Steps: r.Router, Notifier: r.Threads}
}

// threadOf reads an inquiry's thread through the operation's batch.
func (r *Resolver) threadOf(ctx context.Context, inquiryID int) ([]*ent.InquiryMessage, error) {
	l := loadersOf(ctx, r.Client).messages
	prime(ctx, l)
	return l.Load(ctx, inquiryID)
}
