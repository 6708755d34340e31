package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/example/staffcrm/ent/account"
	"github.com/example/staffcrm/ent/application"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/dbtest"
)

// TestSharedFeedEntry (issue 17 target 3): registrants to whom nothing was introduced share one
// cached feed entry per agency — the second of them is a hit on the first one's entry, with the same
// body — while a registrant with an introduced non-public posting gets her own entry with it, and
// nobody else ever sees it; once a posting is introduced to a sharing registrant she leaves the
// shared entry at once.
func TestSharedFeedEntry(t *testing.T) {
	for _, kind := range dbtest.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := demoStack(t, kind, 8<<20)
			srv := httptest.NewServer(d.handler)
			t.Cleanup(srv.Close)
			sys := access.System(context.Background(), "test: shared feed fixtures")
			c := d.db.Client
			ag := c.Agency.Query().FirstIDX(sys)
			hidden := c.Posting.Query().Where(posting.AgencyID(ag)).FirstX(sys)
			hidden = c.Posting.UpdateOne(hidden).SetStatus(posting.StatusOPEN).SetVisibility(posting.VisibilityNON_PUBLIC).SaveX(sys)
			registrant := func(name string) (int, string) {
				acc := c.Account.Create().SetAgencyID(ag).SetEmail(name + "@feed.example").SetPasswordHash("x").SetRole(account.RoleREGISTRANT).SaveX(sys)
				reg := c.Registrant.Create().SetAgencyID(ag).SetAccountID(acc.ID).SetName(name).SetPrefecture("東京都").SaveX(sys)
				token, _, err := d.tokens.Issue(auth.Viewer{AccountID: acc.ID, AgencyID: ag, Role: auth.RoleRegistrant, ProfileID: reg.ID})
				if err != nil {
					t.Fatal(err)
				}
				return reg.ID, token
			}
			aID, a := registrant("feed-a")
			_, b := registrant("feed-b")
			cID, cTok := registrant("feed-c")
			c.Application.Create().SetAgencyID(ag).SetRegistrantID(cID).SetPostingID(hidden.ID).SetStatus(application.StatusAPPLIED).ExecX(sys)
			body := query(`{publicPostings(first: 100){totalCount edges{node{id introduced}}}}`, nil)
			feed := func(token string) (string, string) {
				resp, raw := send(t, srv.URL, token, body)
				if resp.StatusCode != 200 || strings.Contains(string(raw), `"errors"`) {
					t.Fatalf("feed: HTTP %d %s", resp.StatusCode, raw)
				}
				return resp.Header.Get("X-Cache"), string(raw)
			}
			hiddenID := fmt.Sprintf(`"id":"%s"`, strconv.Itoa(hidden.ID))
			cacheA, bodyA := feed(a)
			cacheB, bodyB := feed(b)
			if cacheA != "miss" || cacheB != "hit" || bodyA != bodyB {
				t.Errorf("two registrants with nothing introduced: %s then %s (bodies equal %v), want miss then a shared hit", cacheA, cacheB, bodyA == bodyB)
			}
			if strings.Contains(bodyA, hiddenID) {
				t.Error("the shared feed shows a non-public posting")
			}
			cacheC, bodyC := feed(cTok)
			if cacheC != "miss" || !strings.Contains(bodyC, hiddenID) {
				t.Errorf("the registrant it was introduced to: %s, shows it %v; want her own entry with it", cacheC, strings.Contains(bodyC, hiddenID))
			}
			if _, again := feed(b); strings.Contains(again, hiddenID) {
				t.Error("another registrant's introduced posting reached the shared entry")
			}
			// Introduced to A now: her feed is hers at once, B's stays shared.
			c.Application.Create().SetAgencyID(ag).SetRegistrantID(aID).SetPostingID(hidden.ID).SetStatus(application.StatusAPPLIED).ExecX(sys)
			if _, now := feed(a); !strings.Contains(now, hiddenID) {
				t.Error("a posting introduced to A is missing from her feed")
			}
			if _, now := feed(b); strings.Contains(now, hiddenID) {
				t.Error("B sees the posting introduced to A")
			}
		})
	}
}
