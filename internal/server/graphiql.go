package server

import (
	"embed"
	"io/fs"
	"net/http"
)

// GraphiQL and React are pinned upstream files embedded in the binary (graphiql/README.md), so the
// page works offline, behind a proxy and under this policy: nothing but this origin, no inline
// script. GraphiQL sets style attributes and ships its fonts and icons as data: URLs.
const graphiqlCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

//go:embed graphiql
var graphiqlFiles embed.FS

// graphiqlHandler serves the page at / and its assets under /graphiql/.
func graphiqlHandler() (page, assets http.Handler) {
	sub, err := fs.Sub(graphiqlFiles, "graphiql")
	if err != nil {
		panic(err) // the embedded folder exists at build time
	}
	index, err := fs.ReadFile(sub, "index.html")
	if err != nil {
		panic(err)
	}
	secure := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", graphiqlCSP)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "no-referrer")
			next.ServeHTTP(w, r)
		})
	}
	page = secure(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	}))
	assets = secure(http.StripPrefix("/graphiql/", http.FileServerFS(sub)))
	return page, assets
}
