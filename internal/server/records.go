package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/records"
)

// recordPDF serves GET /records/{kind}/{id}.pdf (the path the GraphQL StatutoryRecord.pdfPath gives):
// the record as a Japanese PDF for a viewer who may read it, authenticated like /query. Errors are
// coded by the API's one error table, with the matching HTTP status.
func recordPDF(o Options) http.Handler {
	svc := &records.Service{Client: o.Resolver.Client}
	coded := codedErrors(o)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := r.PathValue("kind")
		idText, isPDF := strings.CutSuffix(r.PathValue("file"), ".pdf")
		id, err := strconv.Atoi(idText)
		if !isPDF || err != nil || id <= 0 {
			writeErrors(w, http.StatusNotFound, badRequest("no such record"))
			return
		}
		rec, err := svc.Document(r.Context(), kind, id)
		var pdf bytes.Buffer
		if err == nil {
			err = records.WritePDF(&pdf, rec, "staffcrm")
		}
		if err != nil {
			coded(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", fmt.Sprintf("%s-%d.pdf", kind, id)))
		w.Header().Set("Cache-Control", "no-store") // personal data: never in a shared cache
		_, _ = pdf.WriteTo(w)
	})
}

// codedErrors answers a service's error outside GraphQL (a download) as the API would: coded by its
// one error table, with the matching HTTP status.
func codedErrors(o Options) func(w http.ResponseWriter, r *http.Request, err error) {
	present := graph.ErrorPresenter(o.Log, RequestID)
	status := map[string]int{graph.CodeUnauthenticated: http.StatusUnauthorized, graph.CodeForbidden: http.StatusForbidden,
		graph.CodeNotFound: http.StatusNotFound, graph.CodeBadUserInput: http.StatusBadRequest}
	return func(w http.ResponseWriter, r *http.Request, err error) {
		e := present(r.Context(), err)
		code, _ := e.Extensions["code"].(string)
		st, ok := status[code]
		if !ok {
			st = http.StatusInternalServerError
		}
		writeErrors(w, st, e)
	}
}

// recordCSV serves GET /records/{file}: ledger.csv (?fiscalYear=2026 or every entry), stability.csv
// and margin.csv (?fiscalYear= required), UTF-8 with a BOM or ?encoding=shift_jis, streamed, for a
// viewer who may read them (internal/records decides), authenticated like /query. The row count
// follows the body as the X-Row-Count trailer. Errors before the first byte are coded by the API's
// error table; a failure mid-stream cuts the connection, so a partial file never looks whole.
func recordCSV(o Options) http.Handler {
	svc := &records.Service{Client: o.Resolver.Client}
	coded := codedErrors(o)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req := records.ExportRequest{File: r.PathValue("file")}
		enc, err := records.ParseEncoding(r.URL.Query().Get("encoding"))
		if err != nil {
			coded(w, r, err)
			return
		}
		req.Encoding = enc
		if fy := r.URL.Query().Get("fiscalYear"); fy != "" {
			if req.FiscalYear, err = strconv.Atoi(fy); err != nil {
				coded(w, r, invalid.Field("fiscalYear", "a year like 2026"))
				return
			}
		}
		charset := "utf-8"
		if enc == records.ShiftJIS {
			charset = "Shift_JIS"
		}
		out := &startedWriter{w: w, start: func() {
			w.Header().Set("Content-Type", "text/csv; charset="+charset)
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", req.File))
			w.Header().Set("Cache-Control", "no-store") // personal data: never in a shared cache
			w.Header().Set("Trailer", "X-Row-Count")
		}}
		n, err := svc.Export(r.Context(), req, out)
		if err != nil {
			if !out.started {
				coded(w, r, err)
				return
			}
			o.Log.ErrorContext(r.Context(), "record export failed mid-stream", "file", req.File, "err", err, "request_id", RequestID(r.Context()))
			panic(http.ErrAbortHandler)
		}
		w.Header().Set("X-Row-Count", strconv.Itoa(n))
	})
}
