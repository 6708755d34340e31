// Command staffcrm serves the staffing-agency CRM GraphQL API.
//
//	go run .                        serve (embedded SQLite in ./data, migrated and seeded)
//	go run . seed                   seed demo data into an empty database
//	go run . migrate up             apply migrations and exit
//	go run . migrate diff NAME      write migrations/<ts>_NAME.sql from ent/schema (PostgreSQL dev DB)
//	go run . admin create -agency-slug S [-agency-name N] -email E
//	                                an agency's first admin (and the agency), printing a set-password link
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	_ "time/tzdata" // agency time zones must resolve on machines without zoneinfo

	"github.com/example/staffcrm/ent/inquiry"
	"github.com/example/staffcrm/graph"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk"
	"github.com/example/staffcrm/internal/config"
	"github.com/example/staffcrm/internal/database"
	"github.com/example/staffcrm/internal/mail"
	"github.com/example/staffcrm/internal/metrics"
	"github.com/example/staffcrm/internal/notify"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/records"
	"github.com/example/staffcrm/internal/registrants"
	"github.com/example/staffcrm/internal/respcache"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/seed"
	"github.com/example/staffcrm/internal/server"
	"github.com/example/staffcrm/internal/session"
	"github.com/example/staffcrm/internal/staff"
	"github.com/example/staffcrm/internal/tracing"
	"github.com/example/staffcrm/internal/webhooks"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		slog.Error("exit", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	slog.SetDefault(log)
	cfg, err := config.FromOS()
	if err != nil {
		return err
	}
	switch cmd := first(cfg.Args); cmd {
	case "", "serve":
		return serve(ctx, cfg, log)
	case "seed":
		return withDB(ctx, cfg, log, func(db *database.DB) error { return seedIfEmpty(ctx, db, log) })
	case "migrate":
		return migrateCmd(ctx, cfg, log)
	case "admin":
		return adminCmd(ctx, cfg, log, os.Stdout)
	default:
		return fmt.Errorf("unknown command %q (want serve, seed, migrate or admin)", cmd)
	}
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	tuneGC(os.Getenv, log)
	tokens, err := newTokens(cfg, log)
	if err != nil {
		return err
	}
	stopTracing, exporting, err := tracing.Setup(ctx, os.Getenv)
	if err != nil {
		return err
	}
	defer stopTracing(context.Background())
	log.Info("tracing", "otlp_export", exporting)
	if cfg.PprofAddr != "" {
		go servePprof(cfg.PprofAddr, log)
	}
	return withDB(ctx, cfg, log, func(db *database.DB) error {
		if cfg.ShouldSeed() {
			if err := seedIfEmpty(ctx, db, log); err != nil {
				return err
			}
		}
		bus, err := newBus(ctx, cfg, db, log)
		if err != nil {
			return err
		}
		defer bus.Close()
		events := routing.BusEvents{Client: db.Client, Bus: bus, Log: log}
		router := routing.NewRouter(db.Client, !db.Embedded(), events)
		go router.RunSweeper(ctx, cfg.SweepInterval, func(res routing.SweepResult, err error) {
			switch {
			case err != nil:
				log.Error("routing sweep", "err", err)
			case res != routing.SweepResult{}:
				log.Info("routing sweep", "timed_out", res.TimedOut, "escalated", res.Escalated, "assigned", res.Assigned)
			}
		})
		closing := make(chan struct{})
		m := metrics.New(db.SQL, func(ctx context.Context) (int, error) {
			return db.Client.Inquiry.Query().Where(inquiry.StatusEQ(inquiry.StatusQUEUED)).
				Count(access.System(ctx, "metrics: count queued inquiries"))
		})
		router.OnDecision(m.RoutingDecision)
		pipe := &pipeline.Service{Client: db.Client}
		go runNextJobs(ctx, pipe, router, &records.Service{Client: db.Client, Publisher: bus}, &registrants.Service{Client: db.Client}, cfg.NextJobInterval, log)
		sessions := session.New(db.Client, tokens, cfg.RefreshTTL, session.WithReuseWindow(cfg.RefreshReuseWindow))
		if !db.Embedded() {
			// Sessions ended through any process reach this one's session state by NOTIFY.
			sbus, err := notify.NewPostgres(ctx, db.SQL, cfg.DatabaseURL, session.NotifyChannel, log)
			if err != nil {
				return fmt.Errorf("session changes: %w", err)
			}
			defer sbus.Close()
			if err := sessions.Follow(ctx, sbus); err != nil {
				return err
			}
		}
		// Imports run in the background; a stop waits for them (each is one transaction or batches
		// of them, and a re-run of the same file finishes an interrupted one).
		imports := &bulk.Service{Client: db.Client, Publisher: bus, Subscriber: bus, Log: log}
		defer imports.Wait()
		targets := webhooks.Targets{Public: cfg.Production()}
		stopHooks := runWebhooks(ctx, db, targets, mailer(cfg, log), log)
		defer stopHooks()
		resolver := &graph.Resolver{Client: db.Client, Sessions: sessions,
			Router: router, Bus: bus, Pipeline: pipe, Limits: graph.DefaultRateLimits(),
			Mailer: mailer(cfg, log), PublicURL: cfg.PublicURL, PolicyVersion: cfg.PolicyVersion, Threads: events,
			WebhookTargets: targets, Bulk: imports}
		var cache *respcache.Cache
		if cfg.ResponseCacheMB > 0 {
			cache = respcache.New(graph.NewSchema(resolver).Schema(), db, int64(cfg.ResponseCacheMB)<<20)
		}
		h := server.Handler(server.Options{
			Resolver:      resolver,
			ResponseCache: cache,
			Tokens:        tokens,
			Ready:         db.Ready,
			Log:           log,
			Development:   !cfg.Production(),
			Tracing:       exporting,
			Metrics:       m,
			Closing:       closing,
			Limits: graph.Limits{MaxDepth: cfg.MaxDepth, MaxAliases: cfg.MaxAliases, MaxComplexity: cfg.MaxComplexity,
				MaxTokens: cfg.MaxTokens, MaxTokensAnonymous: cfg.MaxTokensAnon},
			MaxBodySize:      cfg.MaxBodyBytes,
			RequestTimeout:   cfg.RequestTimeout,
			TrustedDocuments: cfg.TrustedDocuments,
		})
		srv := &http.Server{Addr: cfg.Addr, Handler: h, ReadHeaderTimeout: server.ReadHeaderTimeout}
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen: %w", err)
		}
		log.Info("serving", "graphql", "http://"+displayAddr(ln.Addr())+"/query",
			"graphiql", graphiql(cfg, ln.Addr()), "env", cfg.Env, "database", db.Dialect, "trusted_documents", trustedDocuments(cfg))
		return server.Serve(ctx, srv, ln, cfg.ShutdownGrace, closing)
	})
}

// runWebhooks delivers outbound webhooks until the returned stop, which waits for the calls in
// flight (each bounded by its timeout) so a restart does not send an event twice.
func runWebhooks(ctx context.Context, db *database.DB, targets webhooks.Targets, m mail.Mailer, log *slog.Logger) (stop func()) {
	cfg := webhooks.DefaultConfig()
	w := &webhooks.Worker{Client: db.Client, Postgres: !db.Embedded(), HTTP: targets.HTTPClient(cfg.Timeout),
		Config: cfg, Log: log, Alert: webhooks.MailAlert{Client: db.Client, Mailer: m, Log: log}}
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); w.Run(wctx) }()
	return func() { cancel(); <-done }
}

func withDB(ctx context.Context, cfg config.Config, log *slog.Logger, f func(*database.DB) error) error {
	db, err := database.Open(ctx, database.Config{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxOpenConns: cfg.DBMaxOpenConns})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx, log); err != nil {
		return err
	}
	return f(db)
}

func seedIfEmpty(ctx context.Context, db *database.DB, log *slog.Logger) error {
	sys := access.System(ctx, "seed: write demo data into an empty database")
	empty, err := seed.Empty(sys, db.Client)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if !empty {
		log.Info("database not empty; demo seed skipped")
		return nil
	}
	if err := seed.Demo(sys, db.Client, auth.HashPassword); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	emails := make([]string, 0, len(seed.DemoLogins))
	for _, l := range seed.DemoLogins {
		emails = append(emails, l.Email)
	}
	log.Info("demo data seeded", "password", seed.DemoPassword, "logins", emails)
	return nil
}

// adminCmd: `admin create` makes an agency's first admin from the command line and prints the
// one-time set-password link (to the operator's terminal only: nothing is mailed or logged).
func adminCmd(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	if first(cfg.Args[1:]) != "create" {
		return errors.New("usage: admin create -agency-slug SLUG [-agency-name NAME] [-timezone TZ] -email EMAIL")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	var b staff.Bootstrap
	fs.StringVar(&b.AgencySlug, "agency-slug", "", "the agency's slug (required)")
	fs.StringVar(&b.AgencyName, "agency-name", "", "create the agency with this name (omit to add an admin to an existing agency)")
	fs.StringVar(&b.Timezone, "timezone", "", "a new agency's time zone (default Asia/Tokyo)")
	fs.StringVar(&b.Email, "email", "", "the admin's e-mail (required)")
	if err := fs.Parse(cfg.Args[2:]); err != nil {
		return err
	}
	return withDB(ctx, cfg, log, func(db *database.DB) error {
		svc := &staff.Service{Client: db.Client, PublicURL: cfg.PublicURL}
		link, expires, err := svc.CreateAdmin(access.System(ctx, "admin create: the operator bootstraps an agency's admin"), b)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "admin %s created; set the password (once, before %s):\n%s\n", b.Email, expires.Format(time.RFC3339), link)
		return err
	})
}

// mailer is SMTP when configured; otherwise development logs one-time links and production logs
// that a mail was due, never a token.
func mailer(cfg config.Config, log *slog.Logger) mail.Mailer {
	if cfg.SMTPAddr != "" {
		return mail.SMTP{Addr: cfg.SMTPAddr, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, From: cfg.MailFrom}
	}
	return mail.Log{Logger: log, Development: !cfg.Production()}
}

func migrateCmd(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	switch sub := first(cfg.Args[1:]); sub {
	case "up":
		return withDB(ctx, cfg, log, func(*database.DB) error { return nil })
	case "diff":
		if len(cfg.Args) < 3 {
			return errors.New("usage: migrate diff NAME (dev database: MIGRATE_DEV_URL or a scratch database on 127.0.0.1:5432)")
		}
		err := database.DiffWithScratch(ctx, "migrations", os.Getenv("MIGRATE_DEV_URL"), cfg.Args[2])
		if errors.Is(err, database.ErrNoChanges) {
			log.Info("no changes: migrations/ matches ent/schema")
			return nil
		}
		return err
	default:
		return fmt.Errorf("unknown migrate command %q (want up or diff)", sub)
	}
}

// runNextJobs opens the SYSTEM next-job inquiries (§7.2), reports the compliance dates falling due
// (webhooks) and purges what retention no longer justifies, at start-up and then every interval.
// Safe with several processes: each
// assignment's inquiry is idempotent under its registrant's row lock, each reminder by its key.
func runNextJobs(ctx context.Context, pipe *pipeline.Service, router *routing.Router, rec *records.Service,
	regs *registrants.Service, every time.Duration, log *slog.Logger) {
	for {
		if n, err := pipe.OpenNextJobInquiries(ctx, router); err != nil {
			log.Error("next-job job", "err", err)
		} else if n > 0 {
			log.Info("next-job job", "opened", n)
		}
		if n, err := rec.RemindCompliance(ctx); err != nil {
			log.Error("compliance reminders job", "err", err)
		} else if n > 0 {
			log.Info("compliance reminders job", "due", n)
		}
		if p, err := regs.Purge(ctx); err != nil {
			log.Error("retention purge job", "err", err)
		} else if p != (registrants.Purged{}) {
			log.Info("retention purge job", "names", p.Names, "signups", p.Signups)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// servePprof exposes the Go profiler on a separate (private) address for performance work.
func servePprof(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("pprof", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: server.ReadHeaderTimeout}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("pprof", "err", err)
	}
}

// newBus fans live-update events out: through PostgreSQL LISTEN/NOTIFY across processes, or in
// process for the embedded store.
func newBus(ctx context.Context, cfg config.Config, db *database.DB, log *slog.Logger) (notify.Bus, error) {
	if db.Embedded() {
		return notify.NewLocal(), nil
	}
	return notify.NewPostgres(ctx, db.SQL, cfg.DatabaseURL, "staffcrm_events", log)
}

func newTokens(cfg config.Config, log *slog.Logger) (*auth.Tokens, error) {
	tc := auth.TokenConfig{Issuer: cfg.JWTIssuer, Audience: cfg.JWTAudience, AccessTTL: cfg.AccessTTL}
	switch {
	case cfg.JWTKeyFile != "":
		pem, err := os.ReadFile(cfg.JWTKeyFile)
		if err != nil {
			return nil, fmt.Errorf("read JWT key: %w", err)
		}
		return auth.NewEd25519Tokens(pem, tc)
	case cfg.JWTSecret != "":
		return auth.NewHMACTokens([]byte(cfg.JWTSecret), tc)
	default:
		secret, err := auth.RandomSecret()
		if err != nil {
			return nil, err
		}
		log.Warn("development mode: generated a random JWT signing key; tokens will not survive a restart (set JWT_SECRET or JWT_PRIVATE_KEY_FILE)")
		return auth.NewHMACTokens(secret, tc)
	}
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func displayAddr(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", ta.Port)
	}
	return a.String()
}

func graphiql(cfg config.Config, a net.Addr) string {
	switch {
	case cfg.Production():
		return "off (production)"
	case cfg.TrustedDocuments != nil:
		return "off (trusted documents only)"
	}
	return "http://" + displayAddr(a) + "/"
}

// trustedDocuments says what runs: the manifest's documents only, or any document.
func trustedDocuments(cfg config.Config) string {
	if cfg.TrustedDocuments == nil {
		return "off (any document runs; ids are APQ)"
	}
	return fmt.Sprintf("%d documents from %s, nothing else", cfg.TrustedDocuments.Len(), cfg.TrustedDocumentsFile)
}

// tuneGC: GraphQL execution allocates per field, so collecting at 4× the live heap instead of 2×
// cut the feed's server CPU by about a fifth (bench/, same run A/B), and a 120 MiB soft limit keeps
// RSS well under the 150 MB budget. The standard GOGC / GOMEMLIMIT variables override both.
func tuneGC(getenv func(string) string, log *slog.Logger) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(120 << 20)
	}
	log.Info("gc", "gogc", cmp.Or(getenv("GOGC"), "400"), "memory_limit_bytes", debug.SetMemoryLimit(-1)) // -1 only reads
}
