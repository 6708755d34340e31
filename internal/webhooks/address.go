package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Targets decides where webhooks may be sent. In production (Public) only https URLs whose every
// address is public: no loopback, private, link-local (169.254.169.254, the cloud metadata
// service), CGNAT, unique-local or otherwise special address, checked when an endpoint is
// registered and again on every connection (a name that resolves elsewhere later — DNS rebinding —
// is refused at dial time). Redirects are never followed.
type Targets struct {
	Public   bool
	Resolver interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	}
	// Allow, when set, lets tests admit their local receiver despite Public.
	Allow func(netip.Addr) bool
}

// ErrTarget: an endpoint URL that is malformed or points where webhooks may not go.
var ErrTarget = errors.New("webhook URL not allowed")

// nonPublic are the special-purpose ranges (RFC 6890 and successors) netip's predicates miss.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001::/23"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// PublicAddr reports whether a is a globally routable unicast address.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

func (t Targets) allowed(a netip.Addr) bool {
	return !t.Public || PublicAddr(a) || (t.Allow != nil && t.Allow(a.Unmap()))
}

// Check validates an endpoint URL: absolute http(s) without credentials or fragment; in production
// https, and every address the host resolves to allowed.
func (t Targets) Check(ctx context.Context, raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("%w: not an absolute URL", ErrTarget)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%w: scheme must be https", ErrTarget)
	case t.Public && u.Scheme != "https":
		return nil, fmt.Errorf("%w: only https in production", ErrTarget)
	case u.User != nil:
		return nil, fmt.Errorf("%w: credentials in the URL (use the signing secret)", ErrTarget)
	case u.Fragment != "":
		return nil, fmt.Errorf("%w: fragment", ErrTarget)
	}
	if !t.Public {
		return u, nil
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		r := t.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if addrs, err = r.LookupNetIP(rctx, "ip", host); err != nil || len(addrs) == 0 {
			return nil, fmt.Errorf("%w: %s does not resolve", ErrTarget, host)
		}
	}
	for _, a := range addrs {
		if !t.allowed(a) {
			return nil, fmt.Errorf("%w: %s is not a public address", ErrTarget, a.Unmap())
		}
	}
	return u, nil
}

// HTTPClient is the client deliveries use: the timeout on every call, no proxy from the
// environment, no redirects, and (production) no connection to an address Check would refuse.
func (t Targets) HTTPClient(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrTarget, address)
		}
		if !t.allowed(ap.Addr()) {
			return fmt.Errorf("%w: %s is not a public address", ErrTarget, ap.Addr().Unmap())
		}
		return nil
	}}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   timeout,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
