package webhooks_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/posting"
	"github.com/example/staffcrm/ent/webhookdelivery"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/dbtest"
	"github.com/example/staffcrm/internal/dbtx"
	"github.com/example/staffcrm/internal/postings"
	"github.com/example/staffcrm/internal/webhooks"
)

// Environment of TestHelperWebhookProcess.
const (
	helperModeEnv    = "STAFFCRM_WEBHOOK_HELPER" // "worker" or "commit"
	helperDBEnv      = "STAFFCRM_WEBHOOK_HELPER_DB"
	helperViewerEnv  = "STAFFCRM_WEBHOOK_HELPER_VIEWER" // account,agency of the admin (commit)
	helperPostingEnv = "STAFFCRM_WEBHOOK_HELPER_POSTING"
)

// TestHelperWebhookProcess is not a test: the tests below run the test binary again with it as a
// second server OS process. "worker" delivers until stdin closes, then prints how many calls it
// made; "commit" commits one reported change, says so, and waits to be killed before delivering.
func TestHelperWebhookProcess(t *testing.T) {
	mode := os.Getenv(helperModeEnv)
	if mode == "" {
		t.Skip("helper process for the multi-process webhook tests")
	}
	ctx := context.Background()
	db, err := database.Open(ctx, database.Config{URL: os.Getenv(helperDBEnv)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	switch mode {
	case "worker":
		w := newWorker(db, fastConfig())
		stop := make(chan struct{})
		go func() { _, _ = bufio.NewReader(os.Stdin).ReadString('\n'); close(stop) }()
		fmt.Println("READY")
		total := 0
		for {
			select {
			case <-stop:
				fmt.Printf("CALLS=%d\n", total)
				return
			default:
			}
			n, err := w.Drain(ctx)
			if err != nil {
				t.Fatal(err)
			}
			total += n
			time.Sleep(5 * time.Millisecond)
		}
	case "commit":
		var accountID, agencyID int
		fmt.Sscanf(os.Getenv(helperViewerEnv), "%d,%d", &accountID, &agencyID)
		id, _ := strconv.Atoi(os.Getenv(helperPostingEnv))
		admin := auth.WithViewer(ctx, &auth.Viewer{AccountID: accountID, AgencyID: agencyID, Role: auth.RoleAdmin})
		st := posting.StatusCLOSED
		if _, err := (&postings.Service{Client: db.Client}).Update(admin, id, ent.UpdatePostingInput{Status: &st}); err != nil {
			t.Fatal(err)
		}
		fmt.Println("COMMITTED")
		select {} // killed here, before any delivery
	}
}

// helper starts TestHelperWebhookProcess in mode and waits for its first line.
type helper struct {
	cmd   *exec.Cmd
	stdin interface{ Close() error }
	out   *bufio.Scanner
}

func startHelper(t *testing.T, mode, dbURL string, env ...string) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWebhookProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), append(env, helperModeEnv+"="+mode, helperDBEnv+"="+dbURL)...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &helper{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if !h.out.Scan() {
		t.Fatalf("helper %s said nothing", mode)
	}
	return h
}

func (h *helper) kill(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = h.cmd.Wait()
}

// stop closes stdin and returns the line the helper printed starting with prefix.
func (h *helper) stop(t *testing.T, prefix string) string {
	t.Helper()
	_ = h.stdin.Close()
	found := ""
	for h.out.Scan() {
		if strings.HasPrefix(h.out.Text(), prefix) {
			found = h.out.Text()
		}
	}
	_ = h.cmd.Wait()
	return found
}

// TestTwoProcessesDeliverOnce: two server processes share 500 events; each is delivered once.
func TestTwoProcessesDeliverOnce(t *testing.T) {
	url := dbtest.ScratchPostgres(t)
	f := fixtureOn(t, url)
	rcv := newReceiver(t, func(string, int) int {
		time.Sleep(time.Duration(rand.IntN(3)) * time.Millisecond) // let the processes overlap
		return http.StatusOK
	})
	ep := f.endpoint(t, f.admin, rcv.srv.URL, webhooks.PostingOpened, webhooks.PostingClosed)
	rcv.setSecret(ep.Secret)
	const events = 500
	err := dbtx.WithTx(f.admin, f.db.Client, func(tx *ent.Tx) error {
		st := []posting.Status{posting.StatusPAUSED, posting.StatusOPEN}
		for i := 0; i < events; i++ {
			if err := tx.Posting.UpdateOneID(f.postingOpen.ID).SetStatus(st[i%2]).Exec(f.admin); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a, b := startHelper(t, "worker", url), startHelper(t, "worker", url)
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, acc := rcv.snapshot()
		if len(acc) == events {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events delivered", len(acc), events)
		}
		time.Sleep(20 * time.Millisecond)
	}
	la, lb := a.stop(t, "CALLS="), b.stop(t, "CALLS=")
	var na, nb int
	fmt.Sscanf(la, "CALLS=%d", &na)
	fmt.Sscanf(lb, "CALLS=%d", &nb)
	attempts, accepted := rcv.snapshot()
	total := 0
	for id, at := range attempts {
		total += len(at)
		if accepted[id] != 1 {
			t.Errorf("%s accepted %d times", id, accepted[id])
		}
	}
	if total != events || na+nb != events || na == 0 || nb == 0 {
		t.Errorf("%d calls received for %d events; process calls %d + %d", total, events, na, nb)
	}
	if n := f.db.Client.WebhookDelivery.Query().Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusDELIVERED)).CountX(f.sys); n != 0 {
		t.Errorf("%d deliveries not recorded as delivered", n)
	}
	t.Logf("500 events: process A made %d calls, process B %d", na, nb)
}

// TestKilledProcessesLoseNothing: a process killed after committing a change, before delivering it,
// and a process killed in the middle of the call: the next process delivers, once as far as the
// receiver can tell.
func TestKilledProcessesLoseNothing(t *testing.T) {
	url := dbtest.ScratchPostgres(t)
	f := fixtureOn(t, url)
	var mu sync.Mutex
	hang := true
	hung := make(chan struct{}, 1)
	unblock := make(chan struct{})
	rcv := newReceiver(t, func(string, int) int {
		mu.Lock()
		h := hang
		hang = false
		mu.Unlock()
		if h {
			hung <- struct{}{}
			<-unblock // never answers; its process dies meanwhile
		}
		return http.StatusOK
	})
	t.Cleanup(func() { close(unblock) }) // before the receiver closes, which waits for its handlers
	ep := f.endpoint(t, f.admin, rcv.srv.URL, webhooks.PostingOpened, webhooks.PostingClosed)
	rcv.setSecret(ep.Secret)
	v, _ := auth.ViewerFrom(f.admin)

	// 1. Killed between commit and delivery.
	c := startHelper(t, "commit", url, fmt.Sprintf("%s=%d,%d", helperViewerEnv, v.AccountID, v.AgencyID),
		fmt.Sprintf("%s=%d", helperPostingEnv, f.postingOpen.ID))
	if c.out.Text() != "COMMITTED" {
		t.Fatalf("helper: %q", c.out.Text())
	}
	c.kill(t)
	if n := f.db.Client.WebhookDelivery.Query().CountX(f.sys); n != 1 {
		t.Fatalf("%d deliveries after the committing process died", n)
	}

	// 2. Killed during the call: the next process waits out the lease, then delivers.
	w := startHelper(t, "worker", url)
	select {
	case <-hung:
	case <-time.After(30 * time.Second):
		t.Fatal("the first process never called")
	}
	w.kill(t)
	cfg := fastConfig()
	next := newWorker(f.db, cfg)
	drainUntil(t, next, 3*cfg.Timeout+10*time.Second, func() bool { _, acc := rcv.snapshot(); return len(acc) == 1 })
	attempts, accepted := rcv.snapshot()
	for id, at := range attempts {
		if len(at) != 2 || accepted[id] != 1 {
			t.Errorf("%s: %d calls, accepted %d", id, len(at), accepted[id])
		}
	}
	d := f.db.Client.WebhookDelivery.Query().OnlyX(f.sys)
	if d.Status != webhookdelivery.StatusDELIVERED || d.Attempts != 2 {
		t.Errorf("delivery %+v", d)
	}
}

func fixtureOn(t *testing.T, url string) *fixture {
	t.Helper()
	return newFixtureDB(t, func(t testing.TB) *database.DB {
		db, err := database.Open(context.Background(), database.Config{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.Migrate(context.Background(), quiet()); err != nil {
			t.Fatal(err)
		}
		return db
	})
}
