package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/webhooks"
)

func TestInquiryEvents(t *testing.T) {
	key := pipeline.NextJobKey(42) // the key format the hook parses is pipeline's
	cases := []struct {
		name  string
		in    webhooks.InquiryState
		want  []string
		asgmt string
	}{
		{"created queued", webhooks.InquiryState{Created: true, StatusSet: true, Status: "QUEUED", Kind: "GENERAL", Origin: "REGISTRANT"}, nil, ""},
		{"assigned", webhooks.InquiryState{StatusSet: true, Status: "ASSIGNED"}, []string{webhooks.InquiryAssigned}, ""},
		{"handed off", webhooks.InquiryState{StatusSet: true, Status: "HANDED_OFF"}, []string{webhooks.InquiryHandedOff}, ""},
		{"resolved", webhooks.InquiryState{StatusSet: true, Status: "RESOLVED"}, []string{webhooks.InquiryResolved}, ""},
		{"acknowledged", webhooks.InquiryState{StatusSet: true, Status: "ACKNOWLEDGED"}, nil, ""},
		{"other field on an assigned row", webhooks.InquiryState{Status: "ASSIGNED"}, nil, ""},
		{"next job opened", webhooks.InquiryState{Created: true, StatusSet: true, Status: "QUEUED", Kind: "NEXT_JOB", Origin: "SYSTEM", IdempotencyKey: key},
			[]string{webhooks.AssignmentEnding}, "42"},
		{"next job asked for by her", webhooks.InquiryState{Created: true, Kind: "NEXT_JOB", Origin: "REGISTRANT", IdempotencyKey: key}, nil, ""},
		{"next job with another key", webhooks.InquiryState{Created: true, Kind: "NEXT_JOB", Origin: "SYSTEM", IdempotencyKey: "next-job:x"}, nil, ""},
	}
	for _, tc := range cases {
		got, id := webhooks.InquiryEvents(tc.in)
		if !slices.Equal(got, tc.want) || id != tc.asgmt {
			t.Errorf("%s: %v %q, want %v %q", tc.name, got, id, tc.want, tc.asgmt)
		}
	}
}

func TestEntityEvents(t *testing.T) {
	posting := []struct{ old, now, want string }{
		{"", "DRAFT", ""}, {"", "OPEN", webhooks.PostingOpened}, {"DRAFT", "OPEN", webhooks.PostingOpened},
		{"PAUSED", "OPEN", webhooks.PostingOpened}, {"OPEN", "OPEN", ""}, {"OPEN", "PAUSED", webhooks.PostingClosed},
		{"OPEN", "FILLED", webhooks.PostingClosed}, {"OPEN", "CLOSED", webhooks.PostingClosed}, {"PAUSED", "CLOSED", ""},
		{"DRAFT", "CLOSED", ""},
	}
	for _, tc := range posting {
		got := webhooks.PostingEvents(tc.old, tc.now)
		if want := strings.Fields(tc.want); !slices.Equal(got, want) {
			t.Errorf("posting %s → %s: %v, want %v", tc.old, tc.now, got, want)
		}
	}
	assignment := []struct {
		created, renewal, statusSet bool
		status, want                string
	}{
		{true, false, false, "SCHEDULED", webhooks.AssignmentCreated},
		{true, true, false, "SCHEDULED", webhooks.AssignmentRenewed},
		{false, false, true, "TERMINATED", webhooks.AssignmentTerminated},
		{false, false, true, "ACTIVE", ""},
		{false, false, false, "TERMINATED", ""},
	}
	for _, tc := range assignment {
		got := webhooks.AssignmentEvents(tc.created, tc.renewal, tc.statusSet, tc.status)
		if want := strings.Fields(tc.want); !slices.Equal(got, want) {
			t.Errorf("assignment %+v: %v", tc, got)
		}
	}
	if got := webhooks.ApplicationEvents(false, false); got != nil {
		t.Errorf("application without a status change: %v", got)
	}
	if got := webhooks.ApplicationEvents(false, true); !slices.Equal(got, []string{webhooks.ApplicationStatusChanged}) {
		t.Errorf("application status change: %v", got)
	}
}

// TestPayloadCarriesIDsOnly: the body names ids and statuses, nothing else.
func TestPayloadCarriesIDsOnly(t *testing.T) {
	ev := webhooks.NewEvent(webhooks.InquiryAssigned, 7, time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC),
		webhooks.Refs{InquiryID: "12", RegistrantID: "3", CoordinatorID: "5", Status: "ASSIGNED"})
	body, err := ev.Payload()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"agencyId":"7","data":{"coordinatorId":"5","inquiryId":"12","registrantId":"3","status":"ASSIGNED"},"id":"` + ev.ID +
		`","timestamp":"2026-12-04T09:00:00Z","type":"inquiry.assigned"}`
	if canon, _ := json.Marshal(got); string(canon) != want {
		t.Errorf("payload %s\nwant    %s", canon, want)
	}
	if !strings.HasPrefix(ev.ID, "evt_") || ev.ID == webhooks.NewEvent("x", 1, time.Now(), webhooks.Refs{}).ID {
		t.Errorf("event ids must be fresh: %s", ev.ID)
	}
}

func TestSignature(t *testing.T) {
	secret := webhooks.NewSecret()
	body := []byte(`{"id":"evt_1"}`)
	at := time.Unix(1_790_000_000, 0)
	h := http.Header{}
	if err := webhooks.Sign(h, secret, "evt_1", at, body); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h.Get(webhooks.HeaderSignature), "v1,") || h.Get(webhooks.HeaderTimestamp) != "1790000000" {
		t.Fatalf("headers %v", h)
	}
	if err := webhooks.Verify(h, secret, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("valid signature refused: %v", err)
	}
	bad := []struct {
		name   string
		secret string
		body   []byte
		now    time.Time
		edit   func(http.Header)
	}{
		{"other secret", webhooks.NewSecret(), body, at, nil},
		{"changed body", secret, []byte(`{"id":"evt_2"}`), at, nil},
		{"too old (replay)", secret, body, at.Add(10 * time.Minute), nil},
		{"changed id", secret, body, at, func(h http.Header) { h.Set(webhooks.HeaderID, "evt_2") }},
		{"changed timestamp", secret, body, at, func(h http.Header) { h.Set(webhooks.HeaderTimestamp, "1790000001") }},
	}
	for _, tc := range bad {
		hh := h.Clone()
		if tc.edit != nil {
			tc.edit(hh)
		}
		if err := webhooks.Verify(hh, tc.secret, tc.body, tc.now, 5*time.Minute); !errors.Is(err, webhooks.ErrBadSignature) {
			t.Errorf("%s: %v, want ErrBadSignature", tc.name, err)
		}
	}
	// Standard Webhooks' published test vector: same key, id, timestamp and body give its signature.
	sv := http.Header{}
	if err := webhooks.Sign(sv, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`)); err != nil {
		t.Fatal(err)
	}
	if got := sv.Get(webhooks.HeaderSignature); got != "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" {
		t.Errorf("Standard Webhooks vector: %s", got)
	}
	for _, s := range []string{"", "whsec_", "whsec_c2hvcnQ=", "sk_" + strings.Repeat("A", 40)} {
		if err := webhooks.CheckSecret(s); !errors.Is(err, webhooks.ErrBadSecret) {
			t.Errorf("secret %q accepted", s)
		}
	}
}

// TestRetrySchedule: exponential with jitter, capped, and retried for at least the whole window.
func TestRetrySchedule(t *testing.T) {
	r := webhooks.DefaultRetry()
	created := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	now := created
	for n := 1; ; n++ {
		next, ok := r.Next(n, created, now, 0.5) // jitter factor 1.0
		if !ok {
			if now.Sub(created) < r.Window {
				t.Fatalf("gave up after %s", now.Sub(created))
			}
			if n < 10 || n > 20 {
				t.Errorf("%d attempts in a day", n)
			}
			break
		}
		want := min(30*time.Second<<(n-1), 4*time.Hour)
		if n > 20 {
			want = 4 * time.Hour
		}
		if d := next.Sub(now); d != want {
			t.Errorf("attempt %d: wait %s, want %s", n, d, want)
		}
		now = next
	}
	lo, _ := r.Next(3, created, created, 0)
	hi, _ := r.Next(3, created, created, 0.999999)
	if lo.Sub(created) != 96*time.Second || hi.Sub(created) < 143*time.Second || hi.Sub(created) >= 144*time.Second {
		t.Errorf("jitter range of 2 min: %s – %s", lo.Sub(created), hi.Sub(created))
	}
}

type fakeResolver map[string][]netip.Addr

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := f[host]; ok {
		return a, nil
	}
	return nil, errors.New("no such host")
}

// TestTargets: production refuses what could reach the server's own network (SSRF).
func TestTargets(t *testing.T) {
	res := fakeResolver{
		"hooks.example.com":    {netip.MustParseAddr("93.184.216.34")},
		"internal.example.com": {netip.MustParseAddr("10.0.0.5")},
		"mixed.example.com":    {netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("127.0.0.1")},
		"v6.example.com":       {netip.MustParseAddr("fd00::1")},
	}
	prod := webhooks.Targets{Public: true, Resolver: res}
	dev := webhooks.Targets{}
	cases := []struct {
		url       string
		prod, dev bool // allowed
	}{
		{"https://hooks.example.com/staffcrm", true, true},
		{"http://hooks.example.com/staffcrm", false, true},
		{"https://127.0.0.1:8443/hook", false, true},
		{"http://127.0.0.1:9000/", false, true},
		{"https://169.254.169.254/latest/meta-data/", false, true},
		{"https://[::1]/", false, true},
		{"https://[::ffff:127.0.0.1]/", false, true},
		{"https://10.1.2.3/", false, true},
		{"https://192.168.0.10/", false, true},
		{"https://100.64.0.1/", false, true},
		{"https://0.0.0.0/", false, true},
		{"https://internal.example.com/hook", false, true},
		{"https://mixed.example.com/hook", false, true},
		{"https://v6.example.com/hook", false, true},
		{"https://nowhere.example.com/hook", false, true},
		{"https://user:pw@hooks.example.com/", false, false},
		{"ftp://hooks.example.com/", false, false},
		{"hooks.example.com/path", false, false},
		{"https://hooks.example.com/#frag", false, false},
	}
	for _, tc := range cases {
		_, perr := prod.Check(context.Background(), tc.url)
		_, derr := dev.Check(context.Background(), tc.url)
		if (perr == nil) != tc.prod || (derr == nil) != tc.dev {
			t.Errorf("%s: production %v, development %v", tc.url, perr, derr)
		}
		if perr != nil && !errors.Is(perr, webhooks.ErrTarget) {
			t.Errorf("%s: %v is not ErrTarget", tc.url, perr)
		}
	}
}

// TestDialGuard: the production client refuses to connect to a non-public address whatever the
// URL said (DNS rebinding), and follows no redirect (one to the metadata service included).
func TestDialGuard(t *testing.T) {
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	defer local.Close()
	prod := webhooks.Targets{Public: true}
	if _, err := prod.HTTPClient(2*time.Second).Post(local.URL, "application/json", nil); err == nil ||
		!errors.Is(err, webhooks.ErrTarget) {
		t.Errorf("production client reached %s: %v", local.URL, err)
	}
	dev := webhooks.Targets{}
	resp, err := dev.HTTPClient(2*time.Second).Post(local.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("redirect followed: %d", resp.StatusCode)
	}
}
