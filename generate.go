package main

// Code generation, in dependency order: ent (client + graph/ent.graphql), then gqlgen (resolvers'
// glue + the committed SDL graph/schema.graphql).
//go:generate go run ./ent/entc.go
//go:generate go run ./graph/gqlgen.go
