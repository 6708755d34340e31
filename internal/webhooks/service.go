package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/auditevent"
	"github.com/example/staffcrm/ent/webhookdelivery"
	"github.com/example/staffcrm/ent/webhookendpoint"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/mail"
)

var (
	// ErrAdminOnly: webhooks are an agency admin's to manage.
	ErrAdminOnly = errors.New("only admins manage webhooks")
	// ErrNotFound: no such endpoint or delivery in the viewer's agency.
	ErrNotFound = errors.New("webhook endpoint or delivery not found")
)

// AuditEntity is the entity type of the audit events endpoint changes write.
const AuditEntity = "WebhookEndpoint"

// Service is the admins' side of webhooks: endpoints, the delivery log, replays.
type Service struct {
	Client  *ent.Client
	Targets Targets
}

// EndpointInput registers or changes an endpoint; nil fields are left as they are on update.
type EndpointInput struct {
	URL         *string
	Description *string
	EventTypes  []string // nil: unchanged
	Secret      *string  // create only; nil: generated
	Enabled     *bool    // update only; true re-enables a disabled endpoint
}

func admin(ctx context.Context) (*auth.Viewer, error) {
	v, ok := auth.ViewerFrom(ctx)
	switch {
	case !ok:
		return nil, access.ErrNoViewer
	case v.Role != auth.RoleAdmin:
		return nil, ErrAdminOnly
	}
	return v, nil
}

const maxDescription = 200

// checkInput validates what is set; create requires URL and event types.
func (s *Service) checkInput(ctx context.Context, in EndpointInput, create bool) (EndpointInput, error) {
	if in.URL != nil || create {
		if in.URL == nil {
			return in, invalid.Field("url", "required")
		}
		u, err := s.Targets.Check(ctx, *in.URL)
		if err != nil {
			return in, invalid.Field("url", "%s", strings.TrimPrefix(err.Error(), ErrTarget.Error()+": "))
		}
		str := u.String()
		in.URL = &str
	}
	if in.EventTypes != nil || create {
		if len(in.EventTypes) == 0 {
			return in, invalid.Field("eventTypes", "at least one of %s", strings.Join(EventTypes, ", "))
		}
		var types []string
		for _, t := range in.EventTypes {
			if !KnownType(t) {
				return in, invalid.Field("eventTypes", "unknown event type %q", t)
			}
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
		in.EventTypes = types
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		if len([]rune(d)) > maxDescription {
			return in, invalid.Field("description", "at most %d characters", maxDescription)
		}
		in.Description = &d
	}
	if in.Secret != nil {
		if !create {
			return in, invalid.Field("secret", "rotate the secret with rotateWebhookSecret")
		}
		if err := CheckSecret(*in.Secret); err != nil {
			return in, invalid.Field("secret", "%s", err)
		}
	}
	return in, nil
}

// Created is a new endpoint and its secret, shown this once.
type Created struct {
	Endpoint *ent.WebhookEndpoint
	Secret   string
}

// Create registers an endpoint of the viewer's agency.
func (s *Service) Create(ctx context.Context, in EndpointInput) (Created, error) {
	v, err := admin(ctx)
	if err != nil {
		return Created{}, fmt.Errorf("create webhook endpoint: %w", err)
	}
	if in, err = s.checkInput(ctx, in, true); err != nil {
		return Created{}, err
	}
	secret := NewSecret()
	if in.Secret != nil {
		secret = *in.Secret
	}
	var ep *ent.WebhookEndpoint
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		w := sys(ctx, "write an endpoint for the admin of its agency")
		c := tx.WebhookEndpoint.Create().SetAgencyID(v.AgencyID).SetURL(*in.URL).SetEventTypes(in.EventTypes).SetSecret(secret)
		if in.Description != nil {
			c.SetDescription(*in.Description)
		}
		if ep, err = c.Save(w); err != nil {
			return err
		}
		return audit(w, tx, v, ep.ID, "url", "eventTypes", "secret")
	})
	if err != nil {
		return Created{}, fmt.Errorf("create webhook endpoint: %w", err)
	}
	return Created{Endpoint: ep, Secret: secret}, nil
}

// Update changes an endpoint of the viewer's agency; Enabled true re-enables one the worker disabled
// (its pending deliveries resume), false pauses it.
func (s *Service) Update(ctx context.Context, id int, in EndpointInput) (*ent.WebhookEndpoint, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, fmt.Errorf("update webhook endpoint: %w", err)
	}
	if in, err = s.checkInput(ctx, in, false); err != nil {
		return nil, err
	}
	var out *ent.WebhookEndpoint
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		ep, err := s.own(ctx, tx.Client(), id)
		if err != nil {
			return err
		}
		u := tx.WebhookEndpoint.UpdateOne(ep)
		var changed []string
		if in.URL != nil && *in.URL != ep.URL {
			u.SetURL(*in.URL)
			changed = append(changed, "url")
		}
		if in.Description != nil && *in.Description != ep.Description {
			u.SetDescription(*in.Description)
			changed = append(changed, "description")
		}
		if in.EventTypes != nil && !slices.Equal(in.EventTypes, ep.EventTypes) {
			u.SetEventTypes(in.EventTypes)
			changed = append(changed, "eventTypes")
		}
		if in.Enabled != nil && *in.Enabled != ep.Enabled {
			u.SetEnabled(*in.Enabled)
			if *in.Enabled {
				u.ClearDisabledAt().SetDisabledReason("")
			} else {
				u.SetDisabledAt(time.Now()).SetDisabledReason("disabled by an admin")
			}
			changed = append(changed, "enabled")
		}
		if len(changed) == 0 {
			out = ep
			return nil
		}
		w := sys(ctx, "write an endpoint for the admin of its agency")
		if out, err = u.Save(w); err != nil {
			return err
		}
		return audit(w, tx, v, ep.ID, changed...)
	})
	if err != nil {
		return nil, fmt.Errorf("update webhook endpoint: %w", err)
	}
	return out, nil
}

// RotateSecret gives an endpoint a new secret, shown this once; the old one stops signing at once.
func (s *Service) RotateSecret(ctx context.Context, id int) (Created, error) {
	v, err := admin(ctx)
	if err != nil {
		return Created{}, fmt.Errorf("rotate webhook secret: %w", err)
	}
	secret := NewSecret()
	var out *ent.WebhookEndpoint
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		ep, err := s.own(ctx, tx.Client(), id)
		if err != nil {
			return err
		}
		w := sys(ctx, "write an endpoint for the admin of its agency")
		if out, err = tx.WebhookEndpoint.UpdateOne(ep).SetSecret(secret).Save(w); err != nil {
			return err
		}
		return audit(w, tx, v, ep.ID, "secret")
	})
	if err != nil {
		return Created{}, fmt.Errorf("rotate webhook secret: %w", err)
	}
	return Created{Endpoint: out, Secret: secret}, nil
}

// Delete removes an endpoint and its delivery log.
func (s *Service) Delete(ctx context.Context, id int) error {
	v, err := admin(ctx)
	if err != nil {
		return fmt.Errorf("delete webhook endpoint: %w", err)
	}
	err = dbtx.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		ep, err := s.own(ctx, tx.Client(), id)
		if err != nil {
			return err
		}
		w := sys(ctx, "delete an endpoint for the admin of its agency")
		if err := tx.WebhookEndpoint.DeleteOne(ep).Exec(w); err != nil {
			return err
		}
		return audit(w, tx, v, ep.ID, "deleted")
	})
	if err != nil {
		return fmt.Errorf("delete webhook endpoint: %w", err)
	}
	return nil
}

// own reads an endpoint under the viewer's privacy (an admin sees only her agency's).
func (s *Service) own(ctx context.Context, c *ent.Client, id int) (*ent.WebhookEndpoint, error) {
	ep, err := c.WebhookEndpoint.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	return ep, err
}

func audit(ctx context.Context, tx *ent.Tx, v *auth.Viewer, id int, fields ...string) error {
	return tx.AuditEvent.Create().SetAgencyID(v.AgencyID).SetActorID(v.AccountID).SetAction(auditevent.ActionCHANGE).
		SetEntityType(AuditEntity).SetEntityID(id).SetFields(fields).Exec(ctx)
}

// Endpoints lists the viewer's agency's endpoints, newest first.
func (s *Service) Endpoints(ctx context.Context) ([]*ent.WebhookEndpoint, error) {
	if _, err := admin(ctx); err != nil {
		return nil, fmt.Errorf("webhook endpoints: %w", err)
	}
	return s.Client.WebhookEndpoint.Query().Order(ent.Desc(webhookendpoint.FieldID)).All(ctx)
}

// DeliveryFilter narrows the delivery log.
type DeliveryFilter struct {
	EndpointID *int
	Status     *webhookdelivery.Status
	Limit      int
}

// MaxDeliveries is the most one page of the log holds.
const MaxDeliveries = 200

// Delivery is one row of the delivery log as admins read it.
type Delivery struct {
	ID, EndpointID             int
	EventID, EventType, Status string
	Payload                    string
	Attempts                   int
	NextAttemptAt              *time.Time // nil unless pending
	LastStatusCode             *int
	LastError                  string
	DeliveredAt                *time.Time
	CreatedAt                  time.Time
}

func deliveryOf(d *ent.WebhookDelivery) *Delivery {
	out := &Delivery{ID: d.ID, EndpointID: d.EndpointID, Status: string(d.Status), Attempts: d.Attempts,
		LastStatusCode: d.LastStatusCode, LastError: d.LastError, DeliveredAt: d.DeliveredAt, CreatedAt: d.CreatedAt}
	if ev := d.Edges.Event; ev != nil {
		out.EventID, out.EventType, out.Payload = ev.EventID, ev.Type, string(ev.Payload)
	}
	if d.Status == webhookdelivery.StatusPENDING {
		at := d.NextAttemptAt
		out.NextAttemptAt = &at
	}
	return out
}

// Deliveries is the delivery log of the viewer's agency, newest first, with each delivery's event.
func (s *Service) Deliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error) {
	if _, err := admin(ctx); err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	switch {
	case f.Limit == 0:
		f.Limit = 50
	case f.Limit < 0 || f.Limit > MaxDeliveries:
		return nil, invalid.Field("first", "1 to %d", MaxDeliveries)
	}
	q := s.Client.WebhookDelivery.Query().WithEvent().Order(ent.Desc(webhookdelivery.FieldID)).Limit(f.Limit)
	if f.EndpointID != nil {
		q.Where(webhookdelivery.EndpointID(*f.EndpointID))
	}
	if f.Status != nil {
		if err := webhookdelivery.StatusValidator(*f.Status); err != nil {
			return nil, invalid.Field("status", "PENDING, DELIVERED or FAILED")
		}
		q.Where(webhookdelivery.StatusEQ(*f.Status))
	}
	ds, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	out := make([]*Delivery, len(ds))
	for i, d := range ds {
		out[i] = deliveryOf(d)
	}
	return out, nil
}

// Replay sends a delivery's event to its endpoint again, as a new delivery (the log keeps the old
// one), with the same event id so receivers that already have it can tell.
func (s *Service) Replay(ctx context.Context, deliveryID int) (*Delivery, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, fmt.Errorf("replay webhook delivery: %w", err)
	}
	d, err := s.Client.WebhookDelivery.Get(ctx, deliveryID)
	if ent.IsNotFound(err) {
		return nil, fmt.Errorf("replay webhook delivery: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("replay webhook delivery: %w", err)
	}
	now := time.Now()
	out, err := s.Client.WebhookDelivery.Create().SetAgencyID(v.AgencyID).SetEventID(d.EventID).SetEndpointID(d.EndpointID).
		SetNextAttemptAt(now).SetCreatedAt(now).SetUpdatedAt(now).
		Save(sys(ctx, "queue a replay the agency's admin asked for"))
	if err != nil {
		return nil, fmt.Errorf("replay webhook delivery: %w", err)
	}
	select {
	case nudge <- struct{}{}:
	default:
	}
	row, err := s.Client.WebhookDelivery.Query().Where(webhookdelivery.ID(out.ID)).WithEvent().Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("replay webhook delivery: %w", err)
	}
	return deliveryOf(row), nil
}

// MailAlert tells an agency's admins by e-mail that an endpoint was disabled.
type MailAlert struct {
	Client *ent.Client
	Mailer mail.Mailer
	Log    *slog.Logger
}

// EndpointDisabled implements Alerter.
func (a MailAlert) EndpointDisabled(ctx context.Context, ep *ent.WebhookEndpoint, reason string) {
	admins, err := a.Client.Account.Query().Where(account.AgencyID(ep.AgencyID), account.RoleEQ(account.RoleADMIN),
		account.Disabled(false)).All(sys(ctx, "find the admins to tell about a disabled endpoint"))
	if err != nil {
		a.Log.ErrorContext(ctx, "webhook alert: admins", "err", err, "endpoint", ep.ID)
		return
	}
	for _, acc := range admins {
		msg := mail.Message{To: acc.Email, Purpose: "webhook_endpoint_disabled",
			Subject: "Webhook の送信先を停止しました / A webhook endpoint was disabled",
			Body: fmt.Sprintf("送信先 %s（ID %d）への Webhook 配信が失敗し続けたため、送信を停止しました。\n理由: %s\n"+
				"受信側を修正したら、管理画面（updateWebhookEndpoint の enabled: true）で再開してください。未配信のイベントは再開後に送られます。\n\n"+
				"Deliveries to %s (id %d) kept failing, so the endpoint was disabled.\nReason: %s\n"+
				"Re-enable it (updateWebhookEndpoint with enabled: true) once the receiver is fixed; pending events are then delivered.",
				ep.URL, ep.ID, reason, ep.URL, ep.ID, reason)}
		if err := a.Mailer.Send(ctx, msg); err != nil {
			a.Log.ErrorContext(ctx, "webhook alert: mail", "err", err, "endpoint", ep.ID)
		}
	}
}
