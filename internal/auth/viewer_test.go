package auth

import (
	"context"
	"errors"
	"testing"
)

func TestRole(t *testing.T) {
	tests := []struct {
		role      Role
		wantValid bool
		wantStaff bool
	}{
		{RoleAdmin, true, true},
		{RoleCoordinator, true, true},
		{RoleSalesRep, true, true},
		{RoleRegistrant, true, false},
		{"", false, false},
		{"admin", false, false},
		{"ROOT", false, false},
		{"ADMIN ", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			if got := tt.role.Valid(); got != tt.wantValid {
				t.Errorf("Valid() = %v, want %v", got, tt.wantValid)
			}
			if got := tt.role.IsStaff(); got != tt.wantStaff {
				t.Errorf("IsStaff() = %v, want %v", got, tt.wantStaff)
			}
		})
	}
}

func TestViewerContext(t *testing.T) {
	v := &Viewer{AccountID: 1, AgencyID: 2, Role: RoleAdmin}
	tests := []struct {
		name   string
		ctx    context.Context
		want   *Viewer
		wantOK bool
	}{
		{"empty", context.Background(), nil, false},
		{"set", WithViewer(context.Background(), v), v, true},
		{"nil viewer", WithViewer(context.Background(), nil), nil, false},
		{"auth error only", WithAuthError(context.Background(), ErrTokenInvalid), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ViewerFrom(tt.ctx)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ViewerFrom = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestAuthErrorContext(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"empty", context.Background(), nil},
		{"set", WithAuthError(context.Background(), ErrTokenExpired), ErrTokenExpired},
		{"viewer only", WithViewer(context.Background(), &Viewer{}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AuthErrorFrom(tt.ctx); !errors.Is(got, tt.want) || (tt.want == nil) != (got == nil) {
				t.Errorf("AuthErrorFrom = %v, want %v", got, tt.want)
			}
		})
	}
}
