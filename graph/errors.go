package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/ent/privacy"
	"github.com/example/staffcrm/graph/scalar"
	"github.com/example/staffcrm/internal/access"
	"github.com/example/staffcrm/internal/auth"
	"github.com/example/staffcrm/internal/bulk"
	"github.com/example/staffcrm/internal/clients"
	"github.com/example/staffcrm/internal/compliance"
	"github.com/example/staffcrm/internal/dashboard"
	"github.com/example/staffcrm/internal/invalid"
	"github.com/example/staffcrm/internal/lang"
	"github.com/example/staffcrm/internal/matching"
	"github.com/example/staffcrm/internal/minwage"
	"github.com/example/staffcrm/internal/pipeline"
	"github.com/example/staffcrm/internal/portal"
	"github.com/example/staffcrm/internal/records"
	"github.com/example/staffcrm/internal/registrants"
	"github.com/example/staffcrm/internal/routing"
	"github.com/example/staffcrm/internal/session"
	"github.com/example/staffcrm/internal/settings"
	"github.com/example/staffcrm/internal/signup"
	"github.com/example/staffcrm/internal/staff"
	"github.com/example/staffcrm/internal/threads"
	"github.com/example/staffcrm/internal/webhooks"
)

// Error codes of DESIGN.md §9, the only values extensions.code takes.
const (
	CodeUnauthenticated     = "UNAUTHENTICATED"
	CodeForbidden           = "FORBIDDEN"
	CodeNotFound            = "NOT_FOUND"
	CodeBadUserInput        = "BAD_USER_INPUT"
	CodeConflict            = "CONFLICT"
	CodeInvalidTransition   = "INVALID_TRANSITION"
	CodeComplianceViolation = "COMPLIANCE_VIOLATION"
	CodeRateLimited         = "RATE_LIMITED"
	CodeInternal            = "INTERNAL"
)

// codedError carries a code and a client-safe message chosen by a resolver.
type codedError struct {
	code string
	msg  string
	err  error
	ext  map[string]any // extra extensions (e.g. retryAt)
}

func (e *codedError) Error() string { return e.msg }
func (e *codedError) Unwrap() error { return e.err }

func newError(code, msg string) error { return &codedError{code: code, msg: msg} }

// RequestIDFunc returns the request id of ctx for INTERNAL errors; set by the server.
type RequestIDFunc func(context.Context) string

// ErrorPresenter turns any error into a GraphQL error whose extensions.code is one of §9's codes
// and whose message reveals nothing internal. Unknown errors become INTERNAL with the request id;
// they are logged here, once, with the detail.
func ErrorPresenter(log *slog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		var (
			code string
			msg  string
		)
		var ce *codedError
		var ve *ent.ValidationError
		if de, ok := domainError(err); ok {
			ce = de
		}
		var extra map[string]any
		switch {
		case ce != nil || errors.As(err, &ce):
			code, msg, extra = ce.code, ce.msg, ce.ext
		case strings.Contains(err.Error(), "cannot decode cursor"):
			// entgql's Cursor scalar reports a malformed after/before this way.
			code, msg = CodeBadUserInput, "invalid cursor"
		case errors.Is(err, scalar.ErrInvalidInput):
			code, msg = CodeBadUserInput, unwrapAll(err).Error()
			if gqlErr.Err != nil {
				msg = gqlErr.Err.Error()
			}
		case errors.Is(err, access.ErrNoViewer):
			code, msg = CodeUnauthenticated, "authentication required"
			if aerr := auth.AuthErrorFrom(ctx); aerr != nil {
				msg = authMessage(aerr)
			}
		case errors.Is(err, session.ErrRefreshBusy):
			code, msg, extra = CodeConflict, "the refresh token is being rotated by another request; retry", map[string]any{"retryable": true}
		case errors.Is(err, session.ErrInvalidCredentials), errors.Is(err, session.ErrAccountDisabled),
			errors.Is(err, session.ErrEmailUnverified),
			errors.Is(err, session.ErrRefreshInvalid), errors.Is(err, session.ErrRefreshReused),
			errors.Is(err, session.ErrNoSession), errors.Is(err, session.ErrSessionEnded):
			code, msg = CodeUnauthenticated, unwrapAll(err).Error()
		case errors.Is(err, privacy.Deny):
			code, msg = CodeForbidden, "not allowed"
		case ent.IsNotFound(err), errors.Is(err, access.ErrEdgeTargetNotFound):
			code, msg = CodeNotFound, "not found"
		case errors.As(err, &ve):
			code, msg = CodeBadUserInput, fmt.Sprintf("invalid value for %s", ve.Name)
		case ent.IsConstraintError(err):
			code, msg = CodeConflict, "conflicts with existing data"
		case errors.Is(err, context.DeadlineExceeded):
			code, msg = CodeInternal, "request timed out"
		default:
			if c, ok := gqlErr.Extensions["code"].(string); ok && gqlErr.Err == nil {
				// Parse, validation and variable-coercion errors from gqlgen itself: the message is
				// about the client's document, safe to show.
				gqlErr.Extensions["code"] = clientCode(c)
				return gqlErr
			}
			code, msg = CodeInternal, "internal error"
		}
		if code == CodeInternal {
			rid := requestID(ctx)
			log.ErrorContext(ctx, "resolver error", "err", err, "request_id", rid, "path", gqlErr.Path.String())
			gqlErr.Extensions = map[string]any{"code": code, "requestId": rid}
		} else {
			gqlErr.Extensions = map[string]any{"code": code}
			for k, v := range extra {
				gqlErr.Extensions[k] = v
			}
		}
		if lang.From(ctx) == lang.Japanese {
			if ja := japanese(err, code); ja != "" {
				if code != CodeInternal {
					gqlErr.Extensions["detail"] = msg
				}
				msg = ja
			}
		}
		gqlErr.Message = msg
		gqlErr.Err = err
		return gqlErr
	}
}

// clientCode maps gqlgen's own codes onto §9's list.
func clientCode(c string) string {
	switch c {
	case errcode.ValidationFailed, errcode.ParseFailed, "BAD_USER_INPUT", "COMPLEXITY_LIMIT_EXCEEDED":
		return CodeBadUserInput
	case CodeUnauthenticated, CodeForbidden, CodeNotFound, CodeConflict, CodeRateLimited,
		CodeInvalidTransition, CodeComplianceViolation:
		return c
	default:
		return CodeInternal
	}
}

func authMessage(err error) string {
	switch {
	case errors.Is(err, auth.ErrTokenExpired):
		return "access token expired"
	default:
		return "access token invalid"
	}
}

func unwrapAll(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// Recover turns a panic in a resolver into an INTERNAL error (logged with the request id by the
// presenter) instead of a crashed request.
func Recover(ctx context.Context, p any) error {
	return fmt.Errorf("panic: %v", p)
}

// hideDenied answers NOT_FOUND for a row whose whole type the viewer's role may not read: fetching
// it by id must not tell it apart from an id that does not exist.
func hideDenied(err error) error {
	if errors.Is(err, privacy.Deny) && !errors.Is(err, access.ErrNoViewer) {
		return &ent.NotFoundError{}
	}
	return err
}

// sentinelCodes is the one table from the services' sentinel errors to §9 codes (the presenter's
// other cases cover ent, privacy, sessions and gqlgen's own errors). The message is the error's
// innermost text, written for clients by its package, or "not found" for every not-found alike.
var sentinelCodes = []struct {
	err  error
	code string
}{
	{routing.ErrNotFound, CodeNotFound},
	{pipeline.ErrNotFound, CodeNotFound},
	{matching.ErrNotFound, CodeNotFound},
	{routing.ErrNotAssignee, CodeForbidden},
	{portal.ErrNotRegistrant, CodeForbidden},
	{matching.ErrStaffOnly, CodeForbidden},
	{matching.ErrNotRegistrant, CodeForbidden},
	{routing.ErrInvalidTransition, CodeInvalidTransition},
	{pipeline.ErrInvalidTransition, CodeInvalidTransition},
	{routing.ErrNoPosting, CodeBadUserInput},
	{routing.ErrPostingRequired, CodeBadUserInput},
	{routing.ErrRegistrantRequired, CodeBadUserInput},
	{pipeline.ErrDatesRequired, CodeBadUserInput},
	{pipeline.ErrNotInMeetingStage, CodeInvalidTransition},
	{routing.ErrRaced, CodeConflict},
	{settings.ErrAdminOnly, CodeForbidden},
	{staff.ErrNotFound, CodeNotFound},
	{staff.ErrAdminOnly, CodeForbidden},
	{staff.ErrNoShift, CodeForbidden},
	{staff.ErrLinkInvalid, CodeBadUserInput},
	{clients.ErrNotFound, CodeNotFound},
	{clients.ErrServiceRepOnlySelf, CodeForbidden},
	{records.ErrNotFound, CodeNotFound},
	{records.ErrStaffOnly, CodeForbidden},
	{records.ErrAdminOnly, CodeForbidden},
	{records.ErrWagesAdminOnly, CodeForbidden},
	{records.ErrNoRows, CodeBadUserInput},
	{records.ErrAdminOnlyContact, CodeForbidden},
	{records.ErrCoordinatorsOnly, CodeForbidden},
	{minwage.ErrAdminOnly, CodeForbidden},
	{webhooks.ErrAdminOnly, CodeForbidden},
	{webhooks.ErrNotFound, CodeNotFound},
	{signup.ErrLinkInvalid, CodeBadUserInput},
	{threads.ErrNotFound, CodeNotFound},
	{dashboard.ErrRepsAndAdmins, CodeForbidden},
	{threads.ErrNotAssignee, CodeForbidden},
	{threads.ErrClosed, CodeInvalidTransition},
	{registrants.ErrNotFound, CodeNotFound},
	{registrants.ErrCannotEdit, CodeForbidden},
	{registrants.ErrNotRegistrant, CodeForbidden},
	{registrants.ErrAssignmentOngoing, CodeConflict},
	{bulk.ErrRegistrantsScope, CodeForbidden},
	{bulk.ErrPostingsScope, CodeForbidden},
	{bulk.ErrStaffOnly, CodeForbidden},
	{bulk.ErrNotFound, CodeNotFound},
}

// domainError codes the services' typed errors (with their details as extensions) and sentinels.
func domainError(err error) (*codedError, bool) {
	var (
		rl *routing.RateLimitError
		cf *routing.ConflictError
		co *pipeline.ComplianceError
		cv *compliance.ViolationError
		we *matching.WeightError
		ie *invalid.Error
		wi *records.ImportError
	)
	switch {
	case errors.As(err, &rl):
		return &codedError{code: CodeRateLimited, msg: rl.Error(), err: err,
			ext: map[string]any{"retryAt": rl.RetryAt.UTC().Format(time.RFC3339), "limit": rl.Limit}}, true
	case errors.As(err, &cf):
		return &codedError{code: CodeConflict, msg: cf.Error(), err: err, ext: map[string]any{"inquiryId": fmt.Sprint(cf.InquiryID)}}, true
	case errors.As(err, &co):
		rules := make([]string, len(co.Findings))
		for i, f := range co.Findings {
			rules[i] = f.Rule
		}
		return &codedError{code: CodeComplianceViolation, msg: co.Error(), err: err, ext: map[string]any{"rules": rules}}, true
	case errors.As(err, &cv):
		rules := make([]string, len(cv.Findings))
		for i, f := range cv.Findings {
			rules[i] = f.Rule
		}
		return &codedError{code: CodeComplianceViolation, msg: cv.Error(), err: err, ext: map[string]any{"rules": rules}}, true
	case errors.As(err, &we):
		return &codedError{code: CodeBadUserInput, msg: we.Error(), err: err}, true
	case errors.As(err, &wi):
		lines := make([]map[string]any, len(wi.Lines))
		for i, l := range wi.Lines {
			lines[i] = map[string]any{"line": l.Line, "reason": l.Reason}
		}
		return &codedError{code: CodeBadUserInput, msg: wi.Error(), err: err, ext: map[string]any{"field": "csv", "lines": lines}}, true
	case errors.As(err, &ie):
		return &codedError{code: CodeBadUserInput, msg: ie.Error(), err: err, ext: map[string]any{"field": ie.Field}}, true
	}
	for _, s := range sentinelCodes {
		if !errors.Is(err, s.err) {
			continue
		}
		msg := unwrapAll(err).Error()
		if s.code == CodeNotFound {
			msg = "not found"
		}
		return &codedError{code: s.code, msg: msg, err: err}, true
	}
	return nil, false
}
