package graph

import (
	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/clients"
)

// The client-master edge: input mapping for clients.resolvers.go. The rules are in internal/clients.

func (r *Resolver) clients() *clients.Service { return &clients.Service{Client: r.Client} }

func clientChanges(in model.ClientChangesInput) clients.ClientChanges {
	c := clients.ClientChanges{Name: in.Name, Industry: in.Industry, LegalEntityNumber: in.LegalEntityNumber,
		ServiceRepID: in.ServiceRepID}
	if in.ClearLegalEntityNumber != nil {
		c.ClearLegalEntityNumber = *in.ClearLegalEntityNumber
	}
	return c
}
