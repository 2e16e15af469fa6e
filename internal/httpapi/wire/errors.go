package wire

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Error is an API error ready to be written in either dialect: Code and Summary are Okta's words,
// Message OPA's (derived from Summary and Causes when empty). Domain code returns faults
// (package fault) instead; As turns them into an Error here, so that each dialect's wording
// lives in this package only.
type Error struct {
	Status  int
	Code    string
	Summary string
	Message string // OPA's message; "" derives it from Summary and Causes
	Causes  []string
	Header  http.Header // extra response headers, e.g. WWW-Authenticate
	NoBody  bool        // answer with headers only (Okta's insufficient_scope 403)
	Err     error       // the underlying cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.Status, e.Code, e.Summary, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Summary)
}

func (e *Error) Unwrap() error { return e.Err }

// StatusClientClosed is logged for requests whose client went away before the answer (as nginx
// does); the client never sees it.
const StatusClientClosed = 499

// Okta error codes keyward uses.
const (
	CodeValidation    = "E0000001"
	CodeMalformedJSON = "E0000003"
	CodeForbidden     = "E0000006"
	CodeNotFound      = "E0000007"
	CodePathNotFound  = "E0000008"
	CodeInternal      = "E0000009"
	CodeInvalidToken  = "E0000011"
	CodeMediaType     = "E0000021"
	CodeMethod        = "E0000022"
	CodeRateLimit     = "E0000047"
)

// oktaValidation prefixes Okta's validation summaries; OPA messages never carry it.
const oktaValidation = "Api validation failed: "

// Validation is invalid input found while reading a request (before any domain code runs), with
// one cause per problem, each "field: problem": Okta's 400 E0000001 "Api validation failed:
// <what>", OPA's 400 naming the field.
func Validation(what string, causes ...string) *Error { return As(fault.Invalidf(what, causes...)) }

// InvalidToken is 401 E0000011.
func InvalidToken() *Error { return As(fault.Unauthorizedf("Invalid token provided")) }

// Forbidden is 403 E0000006.
func Forbidden() *Error {
	return As(fault.Forbiddenf("You do not have permission to perform the requested action"))
}

// MalformedJSON is 400 E0000003.
func MalformedJSON(detail string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeMalformedJSON,
		Summary: "The request body was not well-formed.", Causes: []string{detail}}
}

// Internal is 500 E0000009; err is logged, never shown.
func Internal(err error) *Error {
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Summary: "Internal Server Error", Err: err}
}

// As converts any error into an *Error: API errors pass through, faults and store sentinels map
// to their statuses, a cancelled request is the client's doing, anything else is internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if f, ok := fault.As(err); ok {
		return fromFault(f, err)
	}
	switch {
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer, and it is not the server's failure.
		return &Error{Status: StatusClientClosed, Code: CodeInternal, Summary: "Client closed request", Err: err}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Summary: "Not found: Resource not found", Err: err}
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrStale):
		return &Error{Status: http.StatusConflict, Code: CodeValidation, Summary: oktaValidation + "the resource changed or already exists",
			Message: "the resource changed or already exists", Err: err}
	}
	return Internal(err)
}

// fromFault words a fault in both dialects.
func fromFault(f *fault.Error, err error) *Error {
	e := &Error{Causes: oktaCauseTexts(f), Message: opaMessage(f), Err: err}
	switch f.Kind {
	case fault.NotFound:
		e.Status, e.Code, e.Summary = http.StatusNotFound, CodeNotFound, "Not found: "+f.Summary
	case fault.Conflict:
		e.Status, e.Code, e.Summary = http.StatusConflict, CodeValidation, oktaValidation+f.Summary
	case fault.Unauthorized:
		e.Status, e.Code, e.Summary = http.StatusUnauthorized, CodeInvalidToken, f.Summary
	case fault.Forbidden:
		e.Status, e.Code, e.Summary = http.StatusForbidden, CodeForbidden, f.Summary
	case fault.PreconditionFailed:
		e.Status, e.Code, e.Summary = http.StatusPreconditionFailed, CodeValidation, oktaValidation+f.Summary
	default:
		e.Status, e.Code, e.Summary = http.StatusBadRequest, CodeValidation, oktaValidation+f.Summary
	}
	return e
}

// oktaCauseTexts words each cause for Okta, which says "errors in the field: <field>" of a field
// that is missing (as Okta's recorded answers show).
func oktaCauseTexts(f *fault.Error) []string {
	out := f.CauseTexts()
	for i, c := range f.Causes {
		if c.Required && c.Field != "" {
			out[i] = "errors in the field: " + c.Field
		}
	}
	return out
}

// opaMessage is OPA's message for a fault: for invalid input, the causes (each names its field).
func opaMessage(f *fault.Error) string {
	if f.Kind == fault.Invalid && len(f.Causes) > 0 {
		return joinCauses("", f.CauseTexts())
	}
	if f.Kind == fault.Invalid {
		return strings.TrimSpace("invalid " + f.Summary)
	}
	return joinCauses(f.Summary, f.CauseTexts())
}

// Unauthorized is 401 for a credential that failed, hiding why from the caller unless the
// failure was the server's own.
func Unauthorized(err error) error {
	if !errors.Is(err, auth.ErrInvalid) {
		return Internal(err)
	}
	e := InvalidToken()
	e.Err = err
	return e
}
