package graph

import (
	"context"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/ratelimit"
)

// RateLimits are the abuse limits of the API (per server process).
type RateLimits struct {
	// LoginIP throttles login attempts per client address.
	LoginIP *ratelimit.Limiter
	// LoginFailures throttles failed logins per e-mail against credential stuffing. Only failures
	// spend tokens and they refill, so an attacker can slow a victim's login for minutes, never
	// lock them out for good.
	LoginFailures *ratelimit.Limiter
	// MutationAccount and MutationIP bound writes per signed-in account and per client address.
	MutationAccount *ratelimit.Limiter
	MutationIP      *ratelimit.Limiter
	// DocumentRefusals counts documents the DocumentGuard refused, per client address: once it is
	// spent, the address's requests are refused before their body is read, so a caller looping
	// abusive documents costs next to nothing.
	DocumentRefusals *ratelimit.Limiter
	// Accounts throttles, per client address, the public mutations that send mail or spend a
	// one-time link (sign-up, verification, password reset): a script cannot mass-register or
	// probe tokens from one address.
	Accounts *ratelimit.Limiter
	// MailsPerAddress bounds the mails one e-mail address receives from those mutations; once spent
	// they still answer as usual but send nothing (internal/signup), so nobody is mail-bombed.
	MailsPerAddress *ratelimit.Limiter
}

// accountMutations are the public mutations under the Accounts limit.
var accountMutations = map[string]bool{"registerRegistrant": true, "verifyEmail": true,
	"resendVerificationEmail": true, "requestPasswordReset": true, "setPassword": true}

// DefaultRateLimits: 20 logins per IP then one per 3 s; 5 failures per e-mail then one per minute;
// 60 mutations per account then one per second; 300 per IP then five per second; 20 refused
// documents per IP then one per second; 10 sign-up/verification/reset requests per IP then one per
// 30 s; 3 mails per e-mail address then one per 10 minutes.
func DefaultRateLimits() *RateLimits {
	return &RateLimits{
		LoginIP:          ratelimit.New(3*time.Second, 20),
		LoginFailures:    ratelimit.New(time.Minute, 5),
		MutationAccount:  ratelimit.New(time.Second, 60),
		MutationIP:       ratelimit.New(200*time.Millisecond, 300),
		DocumentRefusals: ratelimit.New(time.Second, 20),
		Accounts:         ratelimit.New(30*time.Second, 10),
		MailsPerAddress:  ratelimit.New(10*time.Minute, 3),
	}
}

// RefusalLimiter is the per-address limiter of refused documents, nil when there is none.
func (l *RateLimits) RefusalLimiter() *ratelimit.Limiter {
	if l == nil {
		return nil
	}
	return l.DocumentRefusals
}

type clientIPKey struct{}

// WithClientIP records the caller's address for per-IP limits.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, clientIPKey{}, ip)
}

// ClientIP is the caller's address recorded by WithClientIP.
func ClientIP(ctx context.Context) string { return clientIP(ctx) }

func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

func rateLimited(retryAt time.Time, what string) error {
	return &codedError{code: CodeRateLimited, msg: "too many " + what + "; retry later",
		ext: map[string]any{"retryAt": retryAt.UTC().Format(time.RFC3339)}}
}

// takeMutation applies the per-account and per-IP write limits to a top-level mutation.
func (l *RateLimits) takeMutation(ctx context.Context, fc *graphql.FieldContext) error {
	if l == nil {
		return nil
	}
	ip := clientIP(ctx)
	if fc.Field.Name == "login" || fc.Field.Name == "refreshToken" {
		if ok, at := l.LoginIP.Take(ip); !ok {
			return rateLimited(at, "sign-in attempts from this address")
		}
		return nil
	}
	if accountMutations[fc.Field.Name] && l.Accounts != nil {
		if ok, at := l.Accounts.Take(ip); !ok {
			return rateLimited(at, "account requests from this address")
		}
	}
	if ok, at := l.MutationIP.Take(ip); !ok {
		return rateLimited(at, "requests from this address")
	}
	if v, ok := auth.ViewerFrom(ctx); ok {
		if ok, at := l.MutationAccount.Take(fmtAccount(v.AccountID)); !ok {
			return rateLimited(at, "changes from this account")
		}
	}
	return nil
}

func fmtAccount(id int) string { return "account:" + itoa(id) }

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}

func loginKey(email string) string { return "email:" + strings.ToLower(strings.TrimSpace(email)) }
