// Package config reads the server's configuration from flags and environment variables.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/example/staffcrm/internal/persisted"
)

// Config is the whole runtime configuration. Flags win over environment variables, which win over
// defaults.
type Config struct {
	Addr            string // ADDR / -addr
	DatabaseURL     string // DATABASE_URL / -database-url; empty = embedded SQLite
	DataDir         string // DATA_DIR / -data-dir
	Env             string // APP_ENV / -env: development or production
	JWTSecret       string // JWT_SECRET (HS256)
	JWTKeyFile      string // JWT_PRIVATE_KEY_FILE / -jwt-key-file (Ed25519 PKCS#8 PEM, EdDSA)
	JWTIssuer       string // JWT_ISSUER
	JWTAudience     string // JWT_AUDIENCE
	AccessTTL       time.Duration
	RefreshTTL      time.Duration
	SeedDemo        bool // SEED_DEMO / -seed-demo: seed an empty embedded store (default on for it)
	seedDemoSet     bool
	ShutdownGrace   time.Duration
	SweepInterval   time.Duration // SWEEP_INTERVAL: routing sweeper period (ack timeouts, SLA, queue)
	NextJobInterval time.Duration // NEXT_JOB_INTERVAL: period of the next-job inquiry job
	DBMaxOpenConns  int
	MaxDepth        int           // MAX_QUERY_DEPTH
	MaxAliases      int           // MAX_ALIASES
	MaxComplexity   int           // MAX_COMPLEXITY
	MaxTokens       int           // MAX_TOKENS: lexical tokens of a signed-in caller's document
	MaxTokensAnon   int           // MAX_TOKENS_ANONYMOUS: the same for anonymous callers
	MaxBodyBytes    int64         // MAX_BODY_BYTES
	RequestTimeout  time.Duration // REQUEST_TIMEOUT
	PprofAddr       string        // PPROF_ADDR: serve net/http/pprof there (off when empty; keep it private)
	// ResponseCacheMB bounds the response cache (RESPONSE_CACHE_MB; 0 turns it off).
	ResponseCacheMB int
	Args            []string // positional arguments (subcommand)

	// RefreshReuseWindow: a used refresh token presented again within it yields the same successor
	// (REFRESH_REUSE_WINDOW / -refresh-reuse-window, default 30s; 0 turns it off).
	RefreshReuseWindow time.Duration
	// PublicURL is the server's public address, where e-mailed one-time links point (PUBLIC_URL).
	PublicURL string
	// PolicyVersion is the version of the consent texts registrants accept at sign-up (POLICY_VERSION).
	PolicyVersion string
	// SMTP delivers the agency's mail when SMTPAddr is set (SMTP_ADDR host:port, SMTP_USERNAME,
	// SMTP_PASSWORD, MAIL_FROM); without it development logs links and production logs none.
	SMTPAddr     string
	SMTPUsername string
	SMTPPassword string
	MailFrom     string

	// TrustedDocumentsFile is TRUSTED_DOCUMENTS / -trusted-documents: the manifest (or manifests,
	// separated by ':') of the only documents the server runs, named by id; empty = any document
	// (APQ for ids). TrustedDocuments is what it lists, checked at start-up.
	TrustedDocumentsFile string
	TrustedDocuments     *persisted.Manifest
}

// Defaults are the settings when neither a flag nor an environment variable gives one: the one place
// each default lives (graph.DefaultLimits and server.Handler take theirs from here).
var Defaults = Config{
	Addr: ":8080", DataDir: "./data", Env: "development", JWTIssuer: "staffcrm", JWTAudience: "staffcrm-api",
	AccessTTL: 15 * time.Minute, RefreshTTL: 720 * time.Hour, ShutdownGrace: 15 * time.Second,
	SweepInterval: 30 * time.Second, NextJobInterval: time.Hour,
	MaxDepth: 12, MaxAliases: 30, MaxComplexity: 5000, MaxTokens: 10000, MaxTokensAnon: 2000,
	MaxBodyBytes: 1 << 20, RequestTimeout: 15 * time.Second, ResponseCacheMB: 16,
	RefreshReuseWindow: 30 * time.Second,
	PublicURL:          "http://localhost:8080", PolicyVersion: "2026-04-01",
}

// Production reports whether APP_ENV is production.
func (c Config) Production() bool { return c.Env == "production" }

// ShouldSeed reports whether the demo seed is wanted: explicitly via SEED_DEMO, otherwise only for
// the embedded store.
func (c Config) ShouldSeed() bool {
	if c.seedDemoSet {
		return c.SeedDemo
	}
	return c.DatabaseURL == ""
}

// Load parses args (without the program name) and the environment.
func Load(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	c := Config{}
	fs := flag.NewFlagSet("staffcrm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := Defaults
	fs.StringVar(&c.Addr, "addr", env("ADDR", d.Addr), "listen address (ADDR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL; empty uses the embedded SQLite file (DATABASE_URL)")
	fs.StringVar(&c.DataDir, "data-dir", env("DATA_DIR", d.DataDir), "folder of the embedded SQLite file (DATA_DIR)")
	fs.StringVar(&c.Env, "env", env("APP_ENV", d.Env), "development or production (APP_ENV)")
	fs.StringVar(&c.JWTKeyFile, "jwt-key-file", env("JWT_PRIVATE_KEY_FILE", ""), "Ed25519 private key, PKCS#8 PEM (JWT_PRIVATE_KEY_FILE)")
	fs.StringVar(&c.JWTIssuer, "jwt-issuer", env("JWT_ISSUER", d.JWTIssuer), "JWT iss (JWT_ISSUER)")
	fs.StringVar(&c.JWTAudience, "jwt-audience", env("JWT_AUDIENCE", d.JWTAudience), "JWT aud (JWT_AUDIENCE)")
	var access, refresh, grace, sweep, nextJob string
	fs.StringVar(&nextJob, "next-job-interval", env("NEXT_JOB_INTERVAL", d.NextJobInterval.String()), "period of the next-job inquiry job (NEXT_JOB_INTERVAL)")
	fs.StringVar(&sweep, "sweep-interval", env("SWEEP_INTERVAL", d.SweepInterval.String()), "routing sweeper period (SWEEP_INTERVAL)")
	fs.StringVar(&access, "access-ttl", env("ACCESS_TOKEN_TTL", d.AccessTTL.String()), "access token lifetime (ACCESS_TOKEN_TTL)")
	fs.StringVar(&refresh, "refresh-ttl", env("REFRESH_TOKEN_TTL", d.RefreshTTL.String()), "refresh token lifetime (REFRESH_TOKEN_TTL)")
	var reuse string
	fs.StringVar(&reuse, "refresh-reuse-window", env("REFRESH_REUSE_WINDOW", d.RefreshReuseWindow.String()), "a refresh token presented again this soon gets the same successor; 0 = off (REFRESH_REUSE_WINDOW)")
	fs.StringVar(&grace, "shutdown-grace", env("SHUTDOWN_GRACE", d.ShutdownGrace.String()), "time to drain requests on shutdown (SHUTDOWN_GRACE)")
	fs.IntVar(&c.DBMaxOpenConns, "db-max-open-conns", 0, "PostgreSQL pool size (DB_MAX_OPEN_CONNS; default 20)")
	var malformed []error // reported after parsing, each naming its variable
	intEnv := func(key string, def int) int {
		v := getenv(key)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			malformed = append(malformed, fmt.Errorf("%s: %q is not an integer", key, v))
			return def
		}
		return n
	}
	fs.IntVar(&c.MaxDepth, "max-query-depth", intEnv("MAX_QUERY_DEPTH", d.MaxDepth), "deepest selection nesting (MAX_QUERY_DEPTH)")
	fs.IntVar(&c.MaxAliases, "max-aliases", intEnv("MAX_ALIASES", d.MaxAliases), "aliased fields per document (MAX_ALIASES)")
	fs.IntVar(&c.MaxComplexity, "max-complexity", intEnv("MAX_COMPLEXITY", d.MaxComplexity), "query cost, connections × page size (MAX_COMPLEXITY)")
	fs.IntVar(&c.MaxTokens, "max-tokens", intEnv("MAX_TOKENS", d.MaxTokens), "tokens per document, signed in (MAX_TOKENS)")
	fs.IntVar(&c.MaxTokensAnon, "max-tokens-anonymous", intEnv("MAX_TOKENS_ANONYMOUS", d.MaxTokensAnon), "tokens per document, anonymous (MAX_TOKENS_ANONYMOUS)")
	var maxBody int
	fs.IntVar(&maxBody, "max-body-bytes", intEnv("MAX_BODY_BYTES", int(d.MaxBodyBytes)), "request body cap (MAX_BODY_BYTES)")
	var reqTimeout string
	fs.StringVar(&reqTimeout, "request-timeout", env("REQUEST_TIMEOUT", d.RequestTimeout.String()), "per-request timeout (REQUEST_TIMEOUT)")
	fs.IntVar(&c.ResponseCacheMB, "response-cache-mb", intEnv("RESPONSE_CACHE_MB", d.ResponseCacheMB), "memory for cached query responses, 0 = off (RESPONSE_CACHE_MB)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("PPROF_ADDR", ""), "serve net/http/pprof on this address, e.g. 127.0.0.1:6060 (PPROF_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", env("PUBLIC_URL", d.PublicURL), "the server's public address, for e-mailed links (PUBLIC_URL)")
	fs.StringVar(&c.PolicyVersion, "policy-version", env("POLICY_VERSION", d.PolicyVersion), "version of the consent texts registrants accept (POLICY_VERSION)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("SMTP_ADDR", ""), "SMTP server host:port; empty = no mail transport (SMTP_ADDR)")
	fs.StringVar(&c.SMTPUsername, "smtp-username", env("SMTP_USERNAME", ""), "SMTP user (SMTP_USERNAME)")
	fs.StringVar(&c.MailFrom, "mail-from", env("MAIL_FROM", ""), "sender address of the agency's mail (MAIL_FROM)")
	fs.StringVar(&c.TrustedDocumentsFile, "trusted-documents", env("TRUSTED_DOCUMENTS", ""),
		"persisted-documents.json of the only documents to run, by id; several separated by ':' (TRUSTED_DOCUMENTS)")
	seed := fs.String("seed-demo", env("SEED_DEMO", ""), "seed demo data into an empty database: true/false (SEED_DEMO; default true for the embedded store)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if err := errors.Join(malformed...); err != nil {
		return Config{}, err
	}
	c.Args = fs.Args()
	c.MaxBodyBytes = int64(maxBody)
	c.JWTSecret = getenv("JWT_SECRET")       // never a flag: flags show up in process listings
	c.SMTPPassword = getenv("SMTP_PASSWORD") // likewise
	if v := getenv("DB_MAX_OPEN_CONNS"); v != "" && c.DBMaxOpenConns == 0 {
		n, err := strconv.Atoi(v)
		if err != nil {
			return Config{}, fmt.Errorf("DB_MAX_OPEN_CONNS: %w", err)
		}
		c.DBMaxOpenConns = n
	}
	var err error
	for _, d := range []struct {
		name string
		in   string
		out  *time.Duration
	}{{"ACCESS_TOKEN_TTL (-access-ttl)", access, &c.AccessTTL}, {"REFRESH_TOKEN_TTL (-refresh-ttl)", refresh, &c.RefreshTTL},
		{"SHUTDOWN_GRACE (-shutdown-grace)", grace, &c.ShutdownGrace}, {"SWEEP_INTERVAL (-sweep-interval)", sweep, &c.SweepInterval},
		{"NEXT_JOB_INTERVAL (-next-job-interval)", nextJob, &c.NextJobInterval}, {"REQUEST_TIMEOUT (-request-timeout)", reqTimeout, &c.RequestTimeout}} {
		if *d.out, err = time.ParseDuration(d.in); err != nil || *d.out <= 0 {
			return Config{}, fmt.Errorf("%s: %q is not a positive duration", d.name, d.in)
		}
	}
	if c.RefreshReuseWindow, err = time.ParseDuration(reuse); err != nil || c.RefreshReuseWindow < 0 {
		return Config{}, fmt.Errorf("refresh-reuse-window: %q is not a duration >= 0", reuse)
	}
	if *seed != "" {
		if c.SeedDemo, err = strconv.ParseBool(*seed); err != nil {
			return Config{}, fmt.Errorf("SEED_DEMO: %q is not true or false", *seed)
		}
		c.seedDemoSet = true
	}
	if c.ResponseCacheMB < 0 {
		return Config{}, fmt.Errorf("RESPONSE_CACHE_MB: %d is negative", c.ResponseCacheMB)
	}
	if c.Env != "development" && c.Env != "production" {
		return Config{}, fmt.Errorf("APP_ENV: %q is neither development nor production", c.Env)
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Config{}, fmt.Errorf("PUBLIC_URL: %q is not an http(s) address", c.PublicURL)
	}
	if c.Production() && !strings.HasPrefix(c.PublicURL, "https://") {
		return Config{}, fmt.Errorf("PUBLIC_URL: %q must be https in production (it is in every e-mailed link)", c.PublicURL)
	}
	if strings.TrimSpace(c.PolicyVersion) == "" {
		return Config{}, errors.New("POLICY_VERSION: empty")
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			return Config{}, fmt.Errorf("SMTP_ADDR: %q is not host:port", c.SMTPAddr)
		}
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			return Config{}, fmt.Errorf("MAIL_FROM: %q is not an address (required with SMTP_ADDR)", c.MailFrom)
		}
	}
	if c.TrustedDocumentsFile != "" {
		if c.TrustedDocuments, err = persisted.Load(filepath.SplitList(c.TrustedDocumentsFile)...); err != nil {
			return Config{}, fmt.Errorf("TRUSTED_DOCUMENTS (-trusted-documents): %w", err)
		}
	}
	if c.Production() && c.JWTSecret == "" && c.JWTKeyFile == "" {
		return Config{}, errors.New("production needs JWT_SECRET or JWT_PRIVATE_KEY_FILE")
	}
	return c, nil
}

// FromOS loads from the process arguments and environment.
func FromOS() (Config, error) { return Load(os.Args[1:], os.Getenv, os.Stderr) }
