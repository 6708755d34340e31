package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/example/staffcrm/internal/dbtest"
)

// The two read scenarios of the performance issue, as sent by bench/ (feed: ~12 public fields of 50
// postings; board: 50 postings with client name and five applications each).
const (
	feedQuery  = `{publicPostings(first: 50){edges{node{id title jobCategory hourlyWage prefecture city nearestStation walkMinutes busRequired workingHours startDate headcount}}}}`
	boardQuery = `{postings(first: 50, orderBy:{field: CREATED_AT, direction: DESC}, where:{status: OPEN}){edges{node{title createdAt orgUnit{site{client{name}}} applications(first: 5){edges{node{status}}}}}}}`
)

// BenchmarkHandler measures the server's own cost per request (allocations, CPU) for the read
// scenarios in process, without the network or a load driver: the A/B harness for handler work.
// Full-scale throughput and latency come from `go run ./bench` (see README, Performance).
func BenchmarkHandler(b *testing.B) {
	for _, kind := range dbtest.Kinds {
		h, _ := demoHandler(b, kind)
		login := func(email string) string {
			rec := httptest.NewRecorder()
			body := query(fmt.Sprintf(`mutation{login(input:{email:%q,password:"demo-password"}){accessToken}}`, email), nil)
			req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(rec, req)
			s := rec.Body.String()
			i := strings.Index(s, `"accessToken":"`)
			if i < 0 {
				b.Fatalf("login %s: %s", email, s)
			}
			s = s[i+len(`"accessToken":"`):]
			return s[:strings.IndexByte(s, '"')]
		}
		for _, sc := range []struct{ name, token, q string }{
			{"feed", login("registrant@demo.example"), feedQuery},
			{"board", login("admin@demo.example"), boardQuery},
		} {
			body := query(sc.q, nil)
			b.Run(fmt.Sprintf("%s/%s", kind, sc.name), func(b *testing.B) {
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						rec := httptest.NewRecorder()
						req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Accept-Encoding", "gzip")
						req.Header.Set("Authorization", "Bearer "+sc.token)
						h.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK || rec.Body.Len() < 1000 {
							b.Fatalf("%d %q", rec.Code, rec.Body.String())
						}
					}
				})
			})
		}
	}
}
