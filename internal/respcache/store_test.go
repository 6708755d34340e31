package respcache

import (
	"testing"

	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/lang"
)

func TestStoreBound(t *testing.T) {
	s := newStore(100 * (1000 + entryOverhead))
	put := func(i int, version int64) {
		k := key{byte(i), byte(i >> 8)}
		s.put(&entry{key: k, version: version, body: make([]byte, 1000)})
	}
	for i := range 150 {
		put(i, 1)
	}
	if n, used := s.stats(); n != 100 || used > s.max {
		t.Fatalf("%d entries, %d bytes; want 100 entries within %d bytes", n, used, s.max)
	}
	if _, ok := s.get(key{0}, 1); ok {
		t.Fatal("the least recently used entry survived")
	}
	if _, ok := s.get(key{149}, 1); !ok {
		t.Fatal("the newest entry was evicted")
	}
	if _, ok := s.get(key{149}, 2); ok {
		t.Fatal("an entry was served under another data version")
	}
	if _, ok := s.get(key{149}, 1); ok {
		t.Fatal("an entry of an older version survived a newer lookup")
	}
	put(148, 3)
	put(148, 2) // a slower request finishing late must not replace the newer response
	if e, ok := s.get(key{148}, 3); !ok || e.version != 3 {
		t.Fatal("a late, older response replaced a newer one")
	}
	s.put(&entry{key: key{9, 9}, version: 1, body: make([]byte, s.max/4)})
	if _, ok := s.get(key{9, 9}, 1); ok {
		t.Fatal("an entry larger than an eighth of the budget was stored")
	}
}

func TestKeyCoversViewerAndRequest(t *testing.T) {
	base := auth.Viewer{AccountID: 1, AgencyID: 2, Role: auth.RoleSalesRep, ProfileID: 3, TokenVersion: 4}
	req := request{Query: "{a}", OperationName: "", Variables: []byte(`{"x": 1}`)}
	k0, _ := keyOf(&base, &req)
	if k, _ := keyOf(&base, &request{Query: "{a}", Variables: []byte("{\n\"x\":1}")}); k != k0 {
		t.Error("whitespace in variables changed the key")
	}
	for name, change := range map[string]func(v *auth.Viewer, r *request){
		"account":       func(v *auth.Viewer, _ *request) { v.AccountID++ },
		"agency":        func(v *auth.Viewer, _ *request) { v.AgencyID++ },
		"role":          func(v *auth.Viewer, _ *request) { v.Role = auth.RoleAdmin },
		"profile":       func(v *auth.Viewer, _ *request) { v.ProfileID++ },
		"token version": func(v *auth.Viewer, _ *request) { v.TokenVersion++ },
		"query":         func(_ *auth.Viewer, r *request) { r.Query = "{b}" },
		"operation":     func(_ *auth.Viewer, r *request) { r.OperationName = "A" },
		"variables":     func(_ *auth.Viewer, r *request) { r.Variables = []byte(`{"x": 2}`) },
		"language":      func(_ *auth.Viewer, r *request) { r.Lang = lang.English },
	} {
		v, r := base, req
		change(&v, &r)
		if k, _ := keyOf(&v, &r); k == k0 {
			t.Errorf("changing the %s kept the key", name)
		}
	}
	if _, ok := keyOf(&base, &request{Query: "{a}", Variables: []byte(`{"x":`)}); ok {
		t.Error("malformed variables produced a key")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "br, gzip": true, "gzip;q=0.5": true, "*": true, "gzip;q=0": false, "identity": false, "": false, "deflate, br": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", h, got, want)
		}
	}
}
