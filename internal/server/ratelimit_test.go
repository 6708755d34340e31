package server_test

import (
	"testing"
	"time"

	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/ratelimit"
)

// TestRateLimits: failed logins per e-mail and mutations per account answer RATE_LIMITED with a
// retry time; budgets refill, so nobody is locked out for good; other accounts are unaffected.
func TestRateLimits(t *testing.T) {
	limits := &graph.RateLimits{
		LoginIP:         ratelimit.New(time.Millisecond, 1000),
		LoginFailures:   ratelimit.New(300*time.Millisecond, 3),
		MutationAccount: ratelimit.New(300*time.Millisecond, 2),
		MutationIP:      ratelimit.New(time.Millisecond, 1000),
	}
	e := newEnvWith(t, dbtest.SQLite, limits)
	login := func(pw string) gqlResponse {
		return do(t, e.url, "", query(`mutation($p:String!){login(input:{email:"admin@a.example",password:$p}){accessToken}}`, map[string]any{"p": pw}))
	}
	for i := range 3 {
		if r := login("wrong"); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeUnauthenticated {
			t.Fatalf("failure %d: %v", i, codesOf(r))
		}
	}
	r := login("pw-123456") // right password, but the budget for this e-mail is spent
	if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != graph.CodeRateLimited || r.Errors[0].Extensions["retryAt"] == nil {
		t.Fatalf("4th attempt: %v", codesOf(r))
	}
	time.Sleep(350 * time.Millisecond)
	r = login("pw-123456")
	if len(r.Errors) > 0 {
		t.Fatalf("after the refill the right password must work: %v", codesOf(r))
	}
	token := r.Data["login"].(map[string]any)["accessToken"].(string)
	// Mutations per account: two at once, then RATE_LIMITED.
	var last gqlResponse
	for range 3 {
		last = do(t, e.url, token, query(`mutation{logout(input:{}){ok}}`, nil))
	}
	if len(last.Errors) == 0 || last.Errors[0].Extensions["code"] != graph.CodeRateLimited {
		t.Fatalf("3rd mutation in a burst of 2: %v", codesOf(last))
	}
}
