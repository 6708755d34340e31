package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestLimits: abusive documents are refused with a code before they run; the dashboards' real
// queries still pass.
func TestLimits(t *testing.T) {
	e := newEnv(t, dbtest.SQLite)
	token, _, _ := e.tokens.Issue(e.admin)
	nested := "id"
	for range 14 {
		nested = "... on Node{id} ... on Posting{orgUnit{site{client{sites(first:1){edges{node{" + nested + "}}}}}}}"
	}
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 40 {
		aliases.WriteString("a")
		aliases.WriteString(strings.Repeat("x", i%5))
		aliases.WriteString(string(rune('a' + i%26)))
		aliases.WriteString(strings.Repeat("y", i/26))
		aliases.WriteString(": viewer{id} ")
	}
	aliases.WriteString("}")
	for _, tc := range []struct {
		name, q, code string
	}{
		{"too deep", "{node(id:\"1\"){" + nested + "}}", graph.CodeBadUserInput},
		{"alias flood", aliases.String(), graph.CodeBadUserInput},
		{"huge first", `{postings(first: 5000){totalCount}}`, graph.CodeBadUserInput},
		{"too costly: 100 × 100", `{postings(first: 100){edges{node{applications(first: 100){edges{node{id status}}}}}}}`, graph.CodeBadUserInput},
		{"staff board", `{postings(first: 50, orderBy:{field: CREATED_AT, direction: DESC}, where:{status: OPEN}){edges{node{title createdAt orgUnit{site{client{name}}} applications(first: 5){edges{node{status}}}}}}}`, ""},
		{"registrant feed shape", `{publicPostings(first: 50){edges{node{id title jobCategory hourlyWage prefecture city nearestStation walkMinutes busRequired workingHours startDate headcount}}}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, e.url, token, query(tc.q, nil))
			switch {
			case tc.code == "" && len(r.Errors) > 0:
				t.Fatalf("normal query refused: %v %q", codesOf(r), r.Errors[0].Message)
			case tc.code != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tc.code):
				t.Fatalf("want %s, got %v", tc.code, codesOf(r))
			}
		})
	}
	t.Run("oversized body", func(t *testing.T) {
		body := `{"query":"{viewer{id}}","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
		req, _ := http.NewRequest(http.MethodPost, e.url+"/query", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("2 MiB body: HTTP %d, want 413", resp.StatusCode)
		}
	})
}

// TestGzip: large responses are compressed for clients that accept gzip.
func TestGzip(t *testing.T) {
	e := newEnv(t, dbtest.SQLite)
	token, _, _ := e.tokens.Issue(e.admin)
	req, _ := http.NewRequest(http.MethodPost, e.url+"/query", strings.NewReader(query(`{__schema{types{name description fields{name description}}}}`, nil)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Encoding", "gzip")
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("large response not gzipped: %v", resp.Header)
	}
}
