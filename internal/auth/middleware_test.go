package auth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestMiddleware(t *testing.T) {
	tk := mustHMAC(t, testSecret(), testConfig(baseTime()))
	valid := mustIssue(t, tk, testViewer())
	expired := mustIssue(t, mustHMAC(t, testSecret(), testConfig(baseTime().Add(-time.Hour))), testViewer())
	foreign := mustIssue(t, mustHMAC(t, []byte("Zr8kP2vX9qL4mN7bT1wY6cH3jF5gD0sA"), testConfig(baseTime())), testViewer())

	tests := []struct {
		name       string
		headers    []string
		wantViewer bool
		wantErr    error
	}{
		{"no header", nil, false, nil},
		{"valid", []string{"Bearer " + valid}, true, nil},
		{"valid lowercase scheme", []string{"bearer " + valid}, true, nil},
		{"expired", []string{"Bearer " + expired}, false, ErrTokenExpired},
		{"other key", []string{"Bearer " + foreign}, false, ErrTokenInvalid},
		{"garbage token", []string{"Bearer xyz"}, false, ErrTokenInvalid},
		{"basic", []string{"Basic xyz"}, false, ErrTokenInvalid},
		{"bare token", []string{valid}, false, ErrTokenInvalid},
		{"scheme only", []string{"Bearer"}, false, ErrTokenInvalid},
		{"scheme and space", []string{"Bearer "}, false, ErrTokenInvalid},
		{"empty value", []string{""}, false, ErrTokenInvalid},
		{"two headers", []string{"Bearer " + valid, "Bearer " + valid}, false, ErrTokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				called bool
				gotV   *Viewer
				gotOK  bool
				gotErr error
			)
			h := Middleware(tk, nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				gotV, gotOK = ViewerFrom(r.Context())
				gotErr = AuthErrorFrom(r.Context())
				w.WriteHeader(http.StatusNoContent)
			}))
			req := httptest.NewRequest(http.MethodPost, "/query", nil)
			for _, v := range tt.headers {
				req.Header.Add("Authorization", v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if !called || rec.Code != http.StatusNoContent {
				t.Fatalf("next handler called=%v, status=%d; want pass-through", called, rec.Code)
			}
			if gotOK != tt.wantViewer {
				t.Errorf("viewer present = %v (%+v), want %v", gotOK, gotV, tt.wantViewer)
			}
			if tt.wantViewer && *gotV != testViewer() {
				t.Errorf("viewer = %+v, want %+v", *gotV, testViewer())
			}
			if tt.wantErr == nil && gotErr != nil {
				t.Errorf("auth error = %v, want none", gotErr)
			}
			if tt.wantErr != nil && !errors.Is(gotErr, tt.wantErr) {
				t.Errorf("auth error = %v, want %v", gotErr, tt.wantErr)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		header string
		want   string
	}{
		{"", ""},
		{"Bearer abc.def.ghi", "abc.def.ghi"},
		{"bearer abc", "abc"},
		{"BEARER abc", "abc"},
		{"  Bearer   abc  ", "abc"},
		{"Bearer", ""},
		{"Bearer ", ""},
		{"Bearer a b", ""},
		{"Bearer\tabc", ""},
		{"Basic dXNlcjpwYXNz", ""},
		{"Bearerabc", ""},
		{"abc.def.ghi", ""},
		{"Token abc", ""},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := BearerToken(tt.header); got != tt.want {
				t.Errorf("BearerToken(%q) = %q, want %q", tt.header, got, tt.want)
			}
		})
	}
}
