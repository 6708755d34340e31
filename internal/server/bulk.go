package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/example/staffcrm/ent/importjob"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/bulk"
)

// MaxUploadBytes bounds a multipart GraphQL request: an import's file (bulk.MaxFileBytes) and the
// operation around it. Plain JSON requests keep Options.MaxBodySize.
const MaxUploadBytes = bulk.MaxFileBytes + 1<<20

// exportTimeout bounds one CSV download (10,000 registrants take about a second).
const exportTimeout = 5 * time.Minute

// uploads is GraphQL over multipart/form-data (the GraphQL multipart request spec) for file uploads:
// gqlgen's transport, with its request-level refusals coded like every other (BAD_USER_INPUT; 413
// for a body over the cap) instead of bare messages.
func uploads() graphql.Transport {
	return codedUploads{transport.MultipartForm{MaxUploadSize: MaxUploadBytes, MaxMemory: 8 << 20}}
}

type codedUploads struct{ transport.MultipartForm }

func (t codedUploads) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	rec := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
	t.MultipartForm.Do(rec, r, exec)
	var resp struct {
		Errors []*gqlerror.Error `json:"errors"`
		Data   json.RawMessage   `json:"data"`
	}
	if json.Unmarshal(rec.body.Bytes(), &resp) == nil && (len(resp.Data) == 0 || string(resp.Data) == "null") && len(resp.Errors) > 0 {
		uncoded := false
		for _, e := range resp.Errors {
			if _, ok := e.Extensions["code"]; !ok {
				uncoded = true
			}
		}
		if uncoded {
			status := http.StatusBadRequest
			errs := make([]*gqlerror.Error, len(resp.Errors))
			for i, e := range resp.Errors {
				if strings.Contains(e.Message, "too large") {
					status = http.StatusRequestEntityTooLarge
				}
				errs[i] = badRequest("%s", e.Message)
			}
			writeErrors(w, status, errs...)
			return
		}
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = rec.body.WriteTo(w)
}

// bufferedResponse holds a response until it is looked at.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(code int)        { b.status = code }

// exportCSV serves GET /export/registrants.csv and /export/postings.csv (?encoding=shift_jis for
// Shift_JIS; UTF-8 with a BOM otherwise): the import format, streamed, for a viewer who may export the
// kind (internal/bulk decides), authenticated like /query. Errors before the first byte are coded by
// the API's error table; a failure mid-stream cuts the connection, so a partial file never looks whole.
func exportCSV(o Options) http.Handler {
	svc := &bulk.Service{Client: o.Resolver.Client}
	coded := codedErrors(o)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var kind importjob.Kind
		switch name := r.PathValue("file"); name {
		case "registrants.csv":
			kind = importjob.KindREGISTRANTS
		case "postings.csv":
			kind = importjob.KindPOSTINGS
		default:
			writeErrors(w, http.StatusNotFound, &gqlerror.Error{Message: "no such export: registrants.csv or postings.csv",
				Extensions: map[string]any{"code": graph.CodeNotFound}})
			return
		}
		enc, err := bulk.ParseEncoding(r.URL.Query().Get("encoding"))
		if err != nil {
			coded(w, r, err)
			return
		}
		charset := "utf-8"
		if enc == bulk.EncodingShiftJIS {
			charset = "Shift_JIS"
		}
		out := &startedWriter{w: w, start: func() {
			w.Header().Set("Content-Type", "text/csv; charset="+charset)
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q",
				fmt.Sprintf("%s-%s.csv", strings.ToLower(string(kind)), time.Now().Format("20060102"))))
			w.Header().Set("Cache-Control", "no-store") // personal data: never in a shared cache
		}}
		if err := svc.Export(r.Context(), kind, enc, out); err != nil {
			if !out.started {
				coded(w, r, err)
				return
			}
			o.Log.ErrorContext(r.Context(), "export failed mid-stream", "kind", kind, "err", err, "request_id", RequestID(r.Context()))
			panic(http.ErrAbortHandler)
		}
	})
}

// startedWriter calls start before the first byte.
type startedWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}
