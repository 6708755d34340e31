package server

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/example/staffcrm/internal/persisted"
)

// The two response media types of the GraphQL-over-HTTP spec. With application/json a request
// error (parse, validation, variable coercion) is still HTTP 200, because legacy clients read any
// other status as a transport failure; with application/graphql-response+json it is 4xx and the
// response has no data member, so a status alone tells the client nothing ran.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

type mediaKey struct{}

// acceptedMedia returns the response media type the request accepts best, "" for none: no Accept
// header is application/json, as the spec asks of servers that legacy clients talk to.
func acceptedMedia(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		var offer string
		switch mt {
		case mediaGraphQLResponse:
			offer = mediaGraphQLResponse
		case mediaJSON, "application/*", "*/*":
			offer = mediaJSON
		default:
			continue
		}
		// Equal preference goes to the spec's own type.
		if q > bestQ || (q == bestQ && q > 0 && offer == mediaGraphQLResponse) {
			best, bestQ = offer, q
		}
	}
	return best
}

// negotiate picks the response media type for /query and makes every answer under it (the
// executor's, the transport guard's, the response cache's) carry it as its Content-Type.
func negotiate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		media := acceptedMedia(r.Header.Get("Accept"))
		if media == "" {
			writeErrors(w, http.StatusNotAcceptable,
				badRequest("none of the accepted media types is served: accept %s or %s", mediaGraphQLResponse, mediaJSON))
			return
		}
		w.Header().Add("Vary", "Accept")
		ctx := context.WithValue(r.Context(), mediaKey{}, media)
		next.ServeHTTP(&mediaWriter{ResponseWriter: w, media: media}, r.WithContext(ctx))
	})
}

type mediaWriter struct {
	http.ResponseWriter
	media   string
	written bool
}

func (w *mediaWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		if ct := w.Header().Get("Content-Type"); ct == "" || strings.HasPrefix(ct, mediaJSON) {
			w.Header().Set("Content-Type", w.media+"; charset=utf-8")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *mediaWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *mediaWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// request is one GraphQL-over-HTTP request object: gqlgen's parameters plus documentId, the
// persisted-documents appendix's id of a document the server holds (internal/persisted).
type request struct {
	graphql.RawParams
	DocumentID string `json:"documentId"`
}

// httpTransport is GraphQL over HTTP, GET and POST. It replaces gqlgen's transport.GET/POST,
// which answer request errors 422 under application/json and include "data": null under
// application/graphql-response+json, and answer a GET mutation 406 where the spec says 405.
type httpTransport struct{}

func (httpTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" {
		return false
	}
	if r.Method == http.MethodGet {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Method == http.MethodPost && err == nil && mt == mediaJSON
}

func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	start := graphql.Now()
	req := &request{RawParams: graphql.RawParams{Headers: r.Header}}
	params := &req.RawParams
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		params.Query, params.OperationName, req.DocumentID = q.Get("query"), q.Get("operationName"), q.Get("documentId")
		for member, into := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
			if s := q.Get(member); s != "" && decodeJSON(strings.NewReader(s), into) != nil {
				writeErrors(w, http.StatusBadRequest, badRequest("%q must be a JSON object", member))
				return
			}
		}
	} else if !readRequest(w, r, req) {
		return
	}
	if params.Query == "" && req.DocumentID == "" && params.Extensions["persistedQuery"] == nil {
		writeErrors(w, http.StatusBadRequest, badRequest("the request has no query (nor a documentId)"))
		return
	}
	ctx = persisted.WithDocumentID(ctx, req.DocumentID)
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if media, _ := ctx.Value(mediaKey{}).(string); media == mediaGraphQLResponse {
			status = http.StatusBadRequest
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		writeErrors(w, status, resp.Errors...)
		return
	}
	if r.Method == http.MethodGet && rc.Operation != nil && rc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		writeErrors(w, http.StatusMethodNotAllowed, badRequest("%s operations need POST: GET may only run queries", rc.Operation.Operation))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	b, err := json.Marshal(responses(ctx))
	if err != nil {
		panic(err) // gqlgen's own response type
	}
	w.Header().Set("Content-Type", mediaJSON)
	_, _ = w.Write(b)
}

func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return dec.Decode(v)
}
