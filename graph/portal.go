package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/graph/model"
)

// GraphQL-only helpers of the portal resolvers: the API's order enum and what a query selected.

var publicOrderFields = map[model.PublicPostingOrderField]*ent.PostingOrderField{
	model.PublicPostingOrderFieldCreatedAt:  ent.PostingOrderFieldCreatedAt,
	model.PublicPostingOrderFieldHourlyWage: ent.PostingOrderFieldHourlyWage,
	model.PublicPostingOrderFieldStartDate:  ent.PostingOrderFieldStartDate,
}

// selectsNodeField reports whether the PublicPosting connection being resolved selects any of names
// on edges.node (fragments included).
func selectsNodeField(ctx context.Context, names ...string) bool {
	oc := graphql.GetOperationContext(ctx)
	for _, edges := range graphql.CollectFields(oc, graphql.GetFieldContext(ctx).Field.Selections, []string{"PublicPostingConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, []string{"PublicPostingEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, []string{"PublicPosting", "Node"}) {
				if slices.Contains(names, f.Name) {
					return true
				}
			}
		}
	}
	return false
}
