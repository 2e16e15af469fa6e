package wire

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Error is an API error. Code is Okta's errorCode; OPA responses derive their type from Status.
type Error struct {
	Status  int
	Code    string
	Summary string
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
	CodeValidation     = "E0000001"
	CodeMalformedJSON  = "E0000003"
	CodeForbidden      = "E0000006"
	CodeNotFound       = "E0000007"
	CodeInternal       = "E0000009"
	CodeInvalidToken   = "E0000011"
	CodeMediaType      = "E0000021"
	CodeMethod         = "E0000022"
	CodeRateLimit      = "E0000047"
	CodeBodyTooLarge   = "E0000001"
	CodeLengthRequired = "E0000001"
)

// Validation is 400 E0000001 "Api validation failed: <what>" with one cause per problem.
func Validation(what string, causes ...string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeValidation, Summary: "Api validation failed: " + what, Causes: causes}
}

// NotFound is 404 E0000007 in Okta's wording, naming the id and its type.
func NotFound(id, typ string) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeNotFound,
		Summary: fmt.Sprintf("Not found: Resource not found: %s (%s)", id, typ)}
}

// InvalidToken is 401 E0000011.
func InvalidToken() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeInvalidToken, Summary: "Invalid token provided"}
}

// Forbidden is 403 E0000006.
func Forbidden() *Error {
	return &Error{Status: http.StatusForbidden, Code: CodeForbidden,
		Summary: "You do not have permission to perform the requested action"}
}

// Conflict is 409 with Okta's validation code, for requests that clash with current state.
func Conflict(summary string, causes ...string) *Error {
	return &Error{Status: http.StatusConflict, Code: CodeValidation, Summary: summary, Causes: causes}
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

// As converts any error into an *Error: API errors pass through, store sentinels map to their
// statuses, anything else is an internal error.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if f, ok := fault.As(err); ok {
		return fromFault(f)
	}
	switch {
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer, and it is not the server's failure.
		return &Error{Status: StatusClientClosed, Code: CodeInternal, Summary: "Client closed request", Err: err}
	case errors.Is(err, store.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: CodeNotFound, Summary: "Not found: Resource not found", Err: err}
	case errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrStale):
		return &Error{Status: http.StatusConflict, Code: CodeValidation, Summary: "Api validation failed: the resource changed or already exists", Err: err}
	}
	return Internal(err)
}

func fromFault(f *fault.Error) *Error {
	switch f.Kind {
	case fault.NotFound:
		e := NotFound(f.ID, f.Type)
		e.Err = f
		return e
	case fault.Conflict:
		return &Error{Status: http.StatusConflict, Code: CodeValidation, Summary: "Api validation failed: " + f.Summary, Causes: f.Causes, Err: f}
	}
	return &Error{Status: http.StatusBadRequest, Code: CodeValidation, Summary: "Api validation failed: " + f.Summary, Causes: f.Causes, Err: f}
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
