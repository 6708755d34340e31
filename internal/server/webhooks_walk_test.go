package server_test

import (
	"strconv"

	"github.com/example/staffcrm/internal/webhooks"
)

// The write walk's decisions for the webhook mutations (issue 18): admins only, their agency's
// endpoints and deliveries.
func init() {
	admins := func(in func(w *mutWalk) map[string]any) func(w *mutWalk, role string) map[string]any {
		return func(w *mutWalk, role string) map[string]any {
			if role != roleAdmin {
				return nil
			}
			return in(w)
		}
	}
	endpoint := admins(func(w *mutWalk) map[string]any { return map[string]any{"id": freshEndpoint(w)} })
	mutationSpecs["updateWebhookEndpoint"] = mutationSpec{input: admins(func(w *mutWalk) map[string]any {
		return map[string]any{"id": freshEndpoint(w), "description": "walk"}
	}), other: map[string]string{"id": "WE"}}
	mutationSpecs["rotateWebhookSecret"] = mutationSpec{input: endpoint, other: map[string]string{"id": "WE"}}
	mutationSpecs["deleteWebhookEndpoint"] = mutationSpec{input: endpoint, other: map[string]string{"id": "WE"}}
	mutationSpecs["replayWebhookDelivery"] = mutationSpec{input: admins(func(w *mutWalk) map[string]any {
		return map[string]any{"deliveryId": w.id("WD")}
	}), other: map[string]string{"deliveryId": "WD"}}
}

// freshEndpoint is a new webhook endpoint of agency A, subscribed to what no fixture causes (fixtures
// are written outside transactions, which a subscribed change may not be).
func freshEndpoint(w *mutWalk) string {
	ep := w.c().WebhookEndpoint.Create().SetAgencyID(w.agency()).SetURL("https://hooks.a.example/fresh").
		SetSecret(webhooks.NewSecret()).SetEventTypes([]string{webhooks.ComplianceReminder}).SaveX(w.ctx)
	return strconv.Itoa(ep.ID)
}
