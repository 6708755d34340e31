package access

import (
	"context"
	"fmt"
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
