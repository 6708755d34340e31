package access

import (
	"context"
	"fmt"

	"github.com/example/staffcrm/internal/auth"
)

// MustSee fails with notFound unless exist finds the row under ctx's privacy: the scope check a
// service runs on every id it is given before it enters System for anything.
func MustSee(ctx context.Context, what string, exist func(context.Context) (bool, error), notFound error) error {
	ok, err := exist(ctx)
	if err != nil {
		return fmt.Errorf("check %s: %w", what, err)
	}
	if !ok {
		return fmt.Errorf("%s: %w", what, notFound)
	}
	return nil
}

// Caller is who a service acts for: the signed-in viewer (check=true: scope every id under their
// privacy), or a trusted System caller such as a job (check=false, v=nil: it chose its ids itself).
// Without either it is ErrNoViewer.
func Caller(ctx context.Context) (v *auth.Viewer, check bool, err error) {
	if _, sys := SystemReason(ctx); sys {
		return nil, false, nil
	}
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return nil, false, ErrNoViewer
	}
	return v, true, nil
}
