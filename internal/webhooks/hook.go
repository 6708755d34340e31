package webhooks

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	entgo "entgo.io/ent"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/webhookendpoint"
	"github.com/example/staffcrm/ent/webhookevent"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/dbtx"
)

var (
	// ErrNoTransaction: a change an endpoint subscribed to was written outside a transaction, so its
	// event could not be written atomically with it. Services run such writes in dbtx.WithTx.
	ErrNoTransaction = errors.New("webhooks: a reported change must be written in a transaction")
	// ErrBulkChange: a bulk update touched what webhooks report; they need the row (UpdateOne).
	ErrBulkChange = errors.New("webhooks: a reported change must be written with UpdateOne")
)

// mutation is what the outbox hooks need of a generated mutation.
type mutation interface {
	entgo.Mutation
	Client() *ent.Client
	Tx() (*ent.Tx, error)
	AgencyID() (int, bool)
	OldAgencyID(context.Context) (int, error)
}

// outbox builds the hook of one entity type. may names, before the write and without reading, the
// event types it can produce; events derives the events from the written row (before is what pre
// read).
func outbox[M mutation, B any](kind string, may func(M) []string, pre func(context.Context, M) (B, error),
	events func(M, B, entgo.Value) []Event) entgo.Hook {
	return func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, mm entgo.Mutation) (entgo.Value, error) {
			m, ok := mm.(M)
			if !ok {
				return next.Mutate(ctx, mm)
			}
			types := may(m)
			if len(types) == 0 {
				return next.Mutate(ctx, mm)
			}
			if m.Op().Is(entgo.OpUpdate) {
				return nil, fmt.Errorf("%w (%s)", ErrBulkChange, kind)
			}
			sys := access.System(ctx, "webhooks: the outbox of a change (endpoints subscribed, the row before)")
			tx, txErr := m.Tx()
			if txErr != nil {
				// Outside a transaction the event cannot be written atomically: refuse before writing
				// if an endpoint could be told, otherwise there is nothing to lose.
				agencyID, ok := m.AgencyID()
				if !ok {
					var err error
					if agencyID, err = m.OldAgencyID(sys); err != nil {
						return next.Mutate(ctx, mm) // the row does not exist: the write fails on its own
					}
				}
				eps, err := subscribed(sys, m.Client(), agencyID)
				if err != nil {
					return nil, err
				}
				for _, ep := range eps {
					for _, t := range types {
						if slices.Contains(ep.EventTypes, t) {
							return nil, fmt.Errorf("%w (%s)", ErrNoTransaction, t)
						}
					}
				}
				return next.Mutate(ctx, mm)
			}
			before, err := pre(sys, m)
			if err != nil {
				return nil, err
			}
			v, err := next.Mutate(ctx, mm)
			if err != nil {
				return v, err
			}
			evs := events(m, before, v)
			if len(evs) == 0 {
				return v, nil
			}
			if err := write(sys, m.Client(), evs); err != nil {
				return nil, fmt.Errorf("webhooks outbox: %w", err)
			}
			tx.OnCommit(nudgeOnCommit)
			return v, nil
		})
	}
}

// subscribed are the agency's enabled endpoints.
func subscribed(ctx context.Context, c *ent.Client, agencyID int) ([]*ent.WebhookEndpoint, error) {
	eps, err := c.WebhookEndpoint.Query().
		Where(webhookendpoint.AgencyID(agencyID), webhookendpoint.Enabled(true)).
		Select(webhookendpoint.FieldID, webhookendpoint.FieldEventTypes).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("webhook endpoints: %w", err)
	}
	return eps, nil
}

// write stores each event with a delivery to every enabled endpoint of its agency subscribed to its
// type; an event nobody subscribed to is not stored. An event with a dedupe key already stored is
// skipped (a job that finds the same reminder again).
func write(ctx context.Context, c *ent.Client, evs []Event) error {
	byAgency := map[int][]*ent.WebhookEndpoint{}
	for _, ev := range evs {
		eps, ok := byAgency[ev.agency]
		if !ok {
			var err error
			if eps, err = subscribed(ctx, c, ev.agency); err != nil {
				return err
			}
			byAgency[ev.agency] = eps
		}
		var to []int
		for _, ep := range eps {
			if slices.Contains(ep.EventTypes, ev.Type) {
				to = append(to, ep.ID)
			}
		}
		if len(to) == 0 {
			continue
		}
		if err := store(ctx, c, ev, to); err != nil {
			return err
		}
	}
	return nil
}

func store(ctx context.Context, c *ent.Client, ev Event, endpoints []int) error {
	body, err := ev.Payload()
	if err != nil {
		return err
	}
	agencyID := ev.agency
	create := c.WebhookEvent.Create().SetAgencyID(agencyID).SetEventID(ev.ID).SetType(ev.Type).
		SetPayload(body).SetCreatedAt(ev.Timestamp)
	var eventID int
	if ev.DedupeKey != "" {
		eventID, err = create.SetDedupeKey(ev.DedupeKey).OnConflictColumns(webhookevent.FieldDedupeKey).DoNothing().ID(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // reported before
		}
	} else {
		var row *ent.WebhookEvent
		if row, err = create.Save(ctx); err == nil {
			eventID = row.ID
		}
	}
	if err != nil {
		return fmt.Errorf("store event: %w", err)
	}
	ds := make([]*ent.WebhookDeliveryCreate, len(endpoints))
	for i, id := range endpoints {
		ds[i] = c.WebhookDelivery.Create().SetAgencyID(agencyID).SetEventID(eventID).SetEndpointID(id).
			SetNextAttemptAt(ev.Timestamp).SetCreatedAt(ev.Timestamp).SetUpdatedAt(ev.Timestamp)
	}
	if err := c.WebhookDelivery.CreateBulk(ds...).Exec(ctx); err != nil {
		return fmt.Errorf("store deliveries: %w", err)
	}
	return nil
}

// nudge wakes this process's workers after a commit wrote deliveries (other processes poll).
var nudge = make(chan struct{}, 1)

func nudgeOnCommit(next ent.Committer) ent.Committer {
	return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
		err := next.Commit(ctx, tx)
		if err == nil {
			select {
			case nudge <- struct{}{}:
			default:
			}
		}
		return err
	})
}

// now is the outbox's clock (events are stamped when written).
var now = time.Now

// Emit stores events that no row change carries (a job's reminders), each with a delivery to the
// subscribed endpoints of its agency, in one transaction; events with a DedupeKey already stored
// are skipped, so a job may find the same thing again.
func Emit(ctx context.Context, c *ent.Client, evs []Event) error {
	if len(evs) == 0 {
		return nil
	}
	err := dbtx.WithTx(ctx, c, func(tx *ent.Tx) error {
		tx.OnCommit(nudgeOnCommit)
		return write(access.System(ctx, "webhooks: store a job's events"), tx.Client(), evs)
	})
	if err != nil {
		return fmt.Errorf("emit webhook events: %w", err)
	}
	return nil
}
