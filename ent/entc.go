//go:build ignore

// entc generates the ent client, the GraphQL schema for it (graph/ent.graphql) and the gqlgen
// autobind entries. Run through `go generate ./...` from the repository root.
package main

import (
	"fmt"
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

// scalars describes the scalars entgql declares, so a client generator can map them to a type
// (graph/api/scalars.graphql describes the hand-written ones).
var scalars = map[string]struct{ description, specifiedBy string }{
	"Time": {"An instant, written as an RFC 3339 date-time string with its UTC offset, " +
		"e.g. \"2026-04-01T09:30:00+09:00\" or \"2026-04-01T00:30:00Z\".",
		"https://www.rfc-editor.org/rfc/rfc3339"},
	"Cursor": {"An opaque string marking a position in a connection (Relay cursor): pass it back as after/before; " +
		"never parse or build one.", "https://relay.dev/graphql/connections.htm#sec-Cursor"},
}

func describeScalars(_ *gen.Graph, s *ast.Schema) error {
	for name, d := range scalars {
		t, ok := s.Types[name]
		if !ok || t.Kind != ast.Scalar {
			return fmt.Errorf("scalar %s is not in the generated schema", name)
		}
		t.Description = d.description
		t.Directives = append(t.Directives, &ast.Directive{Name: "specifiedBy", Arguments: ast.ArgumentList{
			{Name: "url", Value: &ast.Value{Kind: ast.StringValue, Raw: d.specifiedBy}},
		}})
	}
	return nil
}

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphql"),
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(describeScalars),
	)
	if err != nil {
		log.Fatalf("entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:  "./ent",
		Package: "github.com/example/staffcrm/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureIntercept,
			gen.FeatureEntQL,
			gen.FeatureVersionedMigration,
			gen.FeatureGlobalID,
			gen.FeatureLock,
			gen.FeatureModifier,
			gen.FeatureUpsert,
			gen.FeatureExecQuery,
		},
		// access.EdgeGuard's per-mutation edge metadata (edgeguard.go).
		Templates: []*gen.Template{gen.MustParse(gen.NewTemplate("edgeguard").ParseFiles("ent/template/edgeguard.tmpl"))},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("entc: %v", err)
	}
}
