package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/auth"
)

// guardDocuments bounds what a document may cost before gqlgen parses and validates it. The query
// cache holds validated documents; the guard lets those through without looking again.
func guardDocuments(gql *handler.Server, o Options) {
	validated := lru.New[*ast.QueryDocument](1000)
	gql.SetQueryCache(validated)
	gql.SetParserTokenLimit(o.Limits.MaxTokens)
	gql.Use(graph.DocumentGuard{Limits: o.Limits, Validated: validated, Refusals: o.Resolver.Limits.RefusalLimiter(),
		NoIntrospection: !o.Development,
		SignedIn: func(ctx context.Context) bool {
			_, ok := auth.ViewerFrom(ctx)
			return ok
		}})
	gql.Use(graph.InputText{})
}

// guardTransport answers request-level problems with a coded GraphQL error and the status the
// GraphQL-over-HTTP spec gives, before the body is read: an address whose refused documents spent
// its budget, a method or content type the API does not speak, a declared length over the cap.
// A body that is not one request object is answered by the transport, which decodes it anyway.
func guardTransport(o Options, next http.Handler) http.Handler {
	refusals := o.Resolver.Limits.RefusalLimiter()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if refusals != nil {
			// Answered only when the address's next token is due (at most a second): a client
			// looping abusive documents then costs a parked goroutine, not CPU other callers need.
			if ok, at := refusals.Check(graph.ClientIP(r.Context())); !ok {
				tarpit(r.Context(), min(time.Until(at), time.Second))
				writeErrors(w, http.StatusTooManyRequests, graph.RefusedTooOften(at))
				return
			}
		}
		switch r.Method {
		case http.MethodGet, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		case http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeErrors(w, http.StatusMethodNotAllowed, badRequest("method %s is not supported: use POST (or GET for queries)", r.Method))
			return
		}
		limit := o.MaxBodySize
		switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
		case "application/json":
		case "multipart/form-data":
			// A file upload (bulk import): only a signed-in caller's is read, up to its own cap.
			if r.Header.Get("Authorization") == "" {
				writeErrors(w, http.StatusUnauthorized, &gqlerror.Error{Message: "uploads need an access token (Authorization: Bearer)",
					Extensions: map[string]any{"code": graph.CodeUnauthenticated}})
				return
			}
			limit = max(limit, MaxUploadBytes)
		default:
			writeErrors(w, http.StatusUnsupportedMediaType,
				badRequest("content type %q is not supported: send application/json (multipart/form-data for a file upload)", mt))
			return
		}
		if r.ContentLength > limit {
			writeErrors(w, http.StatusRequestEntityTooLarge, badRequest("request body exceeds %d bytes", limit))
			return
		}
		// The transport reads the body once (readRequest); the cap makes an over-long chunked body
		// fail there as too large.
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// readRequest reads a POST body into params, answering (and returning false) when it is too large
// or not one GraphQL-over-HTTP request object. The body is decoded once; only a body that fails is
// looked at again, to say why.
func readRequest(w http.ResponseWriter, r *http.Request, params *request) bool {
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeErrors(w, http.StatusRequestEntityTooLarge, badRequest("request body exceeds %d bytes", tooLarge.Limit))
		return false
	case err != nil:
		writeErrors(w, http.StatusBadRequest, badRequest("the request body could not be read"))
		return false
	}
	if err := decodeJSON(bytes.NewReader(body), params); err != nil {
		msg := requestShapeProblem(body)
		if msg == "" {
			msg = "the request body is not a GraphQL request object"
		}
		writeErrors(w, http.StatusBadRequest, badRequest("%s", msg))
		return false
	}
	return true
}

// requestShapeProblem says what makes body something other than one GraphQL-over-HTTP request
// object, or "" when it is one. Messages name the member, never echo the body.
func requestShapeProblem(body []byte) string {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case len(bytes.TrimSpace(body)) == 0:
			return "the request body is empty: send a JSON object with a query"
		case errors.As(err, &typeErr):
			return "the request body must be one JSON object (batches are not supported)"
		default:
			return "the request body is not valid JSON"
		}
	}
	kinds := map[string]byte{"query": '"', "operationName": '"', "documentId": '"', "variables": '{', "extensions": '{'}
	for member, want := range kinds {
		raw := bytes.TrimSpace(req[member])
		if len(raw) == 0 || string(raw) == "null" {
			continue
		}
		if raw[0] != want {
			return fmt.Sprintf("%q must be a %s", member, map[byte]string{'"': "string", '{': "JSON object"}[want])
		}
	}
	return ""
}

func badRequest(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": graph.CodeBadUserInput}}
}

func tarpit(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// writeErrors answers a request-level failure as a GraphQL response without data.
func writeErrors(w http.ResponseWriter, status int, errs ...*gqlerror.Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": errs})
}
