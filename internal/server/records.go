package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/example/staffcrm/graph"
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
