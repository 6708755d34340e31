package respcache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/klauspost/compress/gzip"
	"github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/sync/singleflight"

	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/lang"
	"github.com/example/staffcrm/internal/persisted"
)

// Versions gives the current data version of an agency (database.AgencyVersion): every row a
// viewer is served is of the viewer's agency, so a write elsewhere leaves its entries standing.
type Versions interface {
	AgencyVersion(ctx context.Context, agencyID int) (int64, error)
}

// Documents resolves trusted document ids (persisted.Manifest).
type Documents interface {
	Document(hash string) (string, bool)
}

// Cache is the response cache of one process.
type Cache struct {
	planner  *Planner
	store    *store
	versions Versions
	flight   singleflight.Group
	feeds    *lru.Cache[feedViewer, feedFlag] // PersonalFeed answers by registrant, at a version
	// Trusted, when set (TRUSTED_DOCUMENTS), is the allow-list: requests naming a listed document
	// by id are cached under its text, and requests with query text are left to the server, which
	// refuses them.
	Trusted Documents
	// Observe, when set, is told "hit", "miss" or "bypass" for every request the cache sees.
	Observe func(result string)
	// PersonalFeed, when set, reports whether the signed-in registrant's feed holds a posting
	// introduced to her (portal.Loader.PersonalFeed). A registrant whose feed holds none sees exactly
	// what every such registrant of her agency sees, so a feed-only operation of hers is keyed and
	// computed as the agency's shared registrant feed, not as hers: one entry for all of them.
	PersonalFeed func(ctx context.Context) (bool, error)
}

// personalFeed is PersonalFeed for v, remembered per data version: it changes only with the data.
// The answer is read after version, so it is at least that fresh: a posting introduced after the
// version was read can only make her personal early, and her own entry is always right.
func (c *Cache) personalFeed(ctx context.Context, v *auth.Viewer, version int64) (bool, error) {
	who := feedViewer{agency: v.AgencyID, account: v.AccountID, profile: v.ProfileID, token: v.TokenVersion}
	if f, ok := c.feeds.Get(who); ok && f.version == version {
		return f.personal, nil
	}
	personal, err := c.PersonalFeed(ctx)
	if err != nil {
		return false, err
	}
	c.feeds.Add(who, feedFlag{version: version, personal: personal})
	return personal, nil
}

type feedViewer struct{ agency, account, profile, token int }

type feedFlag struct {
	version  int64
	personal bool
}

// sharedFeedViewer is who a shared feed entry is computed as: a registrant of the agency with no
// profile, to whom nothing was ever introduced. Computing it as anyone real could store a posting
// introduced to them a moment ago under the shared key.
func sharedFeedViewer(v *auth.Viewer) *auth.Viewer {
	return &auth.Viewer{AgencyID: v.AgencyID, Role: auth.RoleRegistrant}
}

// New returns a cache of at most maxBytes of response bodies for the schema.
func New(schema *ast.Schema, versions Versions, maxBytes int64) *Cache {
	feeds, err := lru.New[feedViewer, feedFlag](feedFlags)
	if err != nil {
		panic(err) // a positive constant size
	}
	return &Cache{planner: NewPlanner(schema, 1000), store: newStore(maxBytes), versions: versions, feeds: feeds}
}

// feedFlags bounds the remembered PersonalFeed answers (a few dozen bytes each).
const feedFlags = 100_000

// gzipMinSize matches the server's gzip threshold: smaller bodies are stored and sent plain.
const gzipMinSize = 1024

// request is the part of a GraphQL POST body the cache keys on.
type request struct {
	Query         string          `json:"query"`
	DocumentID    string          `json:"documentId"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    json.RawMessage `json:"extensions"`
	// Lang is the language the response's texts are in (explanations, findings): part of the key.
	Lang lang.Lang `json:"-"`
}

// Handler answers cacheable queries from the cache. Everything else goes to next unchanged; a miss
// runs exec (the GraphQL handler without compression, since the cache compresses what it stores).
// It must run after authentication, inside the statement counter.
func (c *Cache) Handler(next, exec http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, ok := auth.ViewerFrom(r.Context())
		if !ok || r.Method != http.MethodPost || r.Header.Get("Upgrade") != "" || !isJSON(r.Header.Get("Content-Type")) {
			c.bypass(next, w, r, nil)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil { // too large or cut off: let the executor say so
			c.bypass(next, w, r, body)
			return
		}
		var req request
		if json.Unmarshal(body, &req) != nil || !c.resolve(&req) || !c.planner.Cacheable(req.Query, req.OperationName) {
			c.bypass(next, w, r, body)
			return
		}
		req.Lang = lang.From(r.Context())
		version, err := c.versions.AgencyVersion(r.Context(), v.AgencyID)
		if err != nil {
			c.bypass(next, w, r, body)
			return
		}
		if v.Role == auth.RoleRegistrant && c.PersonalFeed != nil && c.planner.FeedOnly(req.Query, req.OperationName) {
			personal, err := c.personalFeed(r.Context(), v, version)
			if err != nil {
				c.bypass(next, w, r, body)
				return
			}
			if !personal {
				v = sharedFeedViewer(v)
				r = r.WithContext(auth.WithViewer(r.Context(), v))
			}
		}
		k, ok := keyOf(v, &req)
		if !ok {
			c.bypass(next, w, r, body)
			return
		}
		if e, ok := c.store.get(k, version); ok {
			c.observe("hit")
			writeEntry(w, r, e, "hit")
			return
		}
		c.observe("miss")
		// Concurrent misses of one entry at one version run it once: after a write, every client
		// polling the same view would otherwise recompute it together. Only a storable answer is
		// shared; anything else each request computes for itself.
		fk := string(k[:]) + strconv.FormatInt(version, 36)
		ran := false
		v2, _, _ := c.flight.Do(fk, func() (any, error) { ran = true; return c.compute(exec, r, body, k, version), nil })
		res := v2.(*computed)
		if !ran && !res.stored {
			res = c.compute(exec, r, body, k, version)
		}
		for name, vals := range res.header {
			w.Header()[name] = vals
		}
		writeEntryStatus(w, r, res.entry, "miss", res.status)
	})
}

// computed is one execution of a missed entry.
type computed struct {
	entry  *entry
	header http.Header
	status int
	stored bool
}

func (c *Cache) compute(exec http.Handler, r *http.Request, body []byte, k key, version int64) *computed {
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	ctx, noStore := withNoStore(r.Context())
	r2 := r.WithContext(ctx)
	r2.Body = io.NopCloser(bytes.NewReader(body))
	exec.ServeHTTP(rec, r2)
	e := &entry{key: k, version: version, body: rec.body.Bytes()}
	if len(e.body) >= gzipMinSize {
		e.body, e.gzipped = compress(e.body), true
	}
	out := &computed{entry: e, header: rec.header, status: rec.status}
	if rec.status == http.StatusOK && !noStore.Load() && clean(rec.body.Bytes()) {
		c.store.put(e)
		out.stored = true
	}
	return out
}

// resolve says whether req can be looked up, and gives it the text of the document it names. Without
// an allow-list only query text can (APQ ids are left to the executor); with one, only a listed
// document named by its id (documentId or Apollo's persistedQuery extension, nothing else there).
func (c *Cache) resolve(req *request) bool {
	if c.Trusted == nil {
		return req.Query != "" && req.DocumentID == "" && len(req.Extensions) == 0
	}
	if req.Query != "" {
		return false // refused by the server: never answer it from an entry
	}
	id := req.DocumentID
	if len(req.Extensions) > 0 {
		// Only Apollo's persistedQuery, version 1, naming the same document as documentId if both.
		var ext map[string]struct {
			Version    json.Number `json:"version"`
			SHA256Hash string      `json:"sha256Hash"`
		}
		if json.Unmarshal(req.Extensions, &ext) != nil || len(ext) != 1 {
			return false
		}
		pq, ok := ext["persistedQuery"]
		if !ok || pq.Version != "1" || (id != "" && strings.TrimPrefix(id, "sha256:") != pq.SHA256Hash) {
			return false
		}
		id = pq.SHA256Hash
	}
	hash, ok := persisted.HashOf(id)
	if !ok {
		return false
	}
	doc, ok := c.Trusted.Document(hash)
	if !ok {
		return false
	}
	req.Query = doc
	return true
}

func (c *Cache) bypass(next http.Handler, w http.ResponseWriter, r *http.Request, body []byte) {
	c.observe("bypass")
	if body != nil {
		// What was read, then whatever was not: a body cut off at the size cap still fails as too
		// large where the transport reads it.
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	}
	next.ServeHTTP(w, r)
}

func (c *Cache) observe(result string) {
	if c.Observe != nil {
		c.Observe(result)
	}
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// keyOf hashes the viewer and the request. Variables are compacted so whitespace does not split
// entries; a malformed variables value is left to the executor.
func keyOf(v *auth.Viewer, req *request) (key, bool) {
	h := sha256.New()
	var ids [40]byte
	binary.LittleEndian.PutUint64(ids[0:], uint64(v.AgencyID))
	binary.LittleEndian.PutUint64(ids[8:], uint64(v.AccountID))
	binary.LittleEndian.PutUint64(ids[16:], uint64(v.ProfileID))
	binary.LittleEndian.PutUint64(ids[24:], uint64(v.TokenVersion))
	binary.LittleEndian.PutUint64(ids[32:], uint64(len(req.Query)))
	h.Write(ids[:])
	h.Write([]byte(v.Role))
	h.Write([]byte{0, byte(req.Lang), 0})
	h.Write([]byte(req.OperationName))
	h.Write([]byte{0})
	h.Write([]byte(req.Query))
	h.Write([]byte{0})
	if len(req.Variables) > 0 {
		var vars bytes.Buffer
		if json.Compact(&vars, req.Variables) != nil {
			return key{}, false
		}
		h.Write(vars.Bytes())
	}
	var k key
	h.Sum(k[:0])
	return k, true
}

// clean reports whether a response may be stored: data only, no errors and no extensions (which
// carry per-request information).
func clean(body []byte) bool {
	var top struct {
		Errors     json.RawMessage `json:"errors"`
		Extensions json.RawMessage `json:"extensions"`
		Data       json.RawMessage `json:"data"`
	}
	if json.Unmarshal(body, &top) != nil {
		return false
	}
	return len(top.Errors) == 0 && len(top.Extensions) == 0 && len(top.Data) > 0 && string(top.Data) != "null"
}

func writeEntry(w http.ResponseWriter, r *http.Request, e *entry, result string) {
	w.Header().Set("Content-Type", "application/json")
	writeEntryStatus(w, r, e, result, http.StatusOK)
}

func writeEntryStatus(w http.ResponseWriter, r *http.Request, e *entry, result string, status int) {
	h := w.Header()
	h.Set("X-Cache", result)
	body := e.body
	if e.gzipped {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
		} else {
			body = decompress(body)
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed without q=0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if name != "gzip" && name != "*" {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

func compress(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // constant level: cannot fail
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

func decompress(b []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil // our own gzip output: cannot happen
	}
	out, _ := io.ReadAll(zr)
	return out
}

// recorder captures the executor's response on a miss.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.status = code }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }

type noStoreKey struct{}

func withNoStore(ctx context.Context) (context.Context, *atomic.Bool) {
	f := &atomic.Bool{}
	return context.WithValue(ctx, noStoreKey{}, f), f
}

// NoStore marks the response being computed in ctx as not cacheable: a resolver that read the clock,
// wrote something or returned per-request data calls it. The static rules should already keep such
// fields out; this is the runtime backstop.
func NoStore(ctx context.Context) {
	if f, ok := ctx.Value(noStoreKey{}).(*atomic.Bool); ok {
		f.Store(true)
	}
}
