package graph

import (
	"context"

	"github.com/example/staffcrm/graph/model"
	"github.com/example/staffcrm/internal/minwage"
)

// The minimum-wage resolvers (minwage.resolvers.go) call one internal/minwage method each.

func (r *Resolver) minWages() minwage.Service { return minwage.Service{Client: r.Client} }

func (r *Resolver) importMinimumWages(ctx context.Context, in model.ImportMinimumWagesInput) (*model.ImportMinimumWagesPayload, error) {
	sample := in.Sample != nil && *in.Sample
	n, table, err := r.minWages().Import(ctx, in.CSV, sample)
	if err != nil {
		return nil, err
	}
	return &model.ImportMinimumWagesPayload{Imported: n, MinimumWages: table}, nil
}
