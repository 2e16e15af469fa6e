package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-2xx answer from keyward, parsed from Okta's error body
// {"errorCode","errorSummary","errorLink","errorId","errorCauses"} or, on the
// OPA API, from {"code","message","type"} (Code holds the type, e.g.
// "not_found", and Summary the message).
type APIError struct {
	// Status is the HTTP status code of the answer.
	Status int
	// Code is Okta's errorCode, e.g. "E0000007".
	Code string
	// Summary is errorSummary; when the body is not an Okta error it holds a
	// short excerpt of the body or the HTTP status text.
	Summary string
	// Causes lists the errorSummary of every entry of errorCauses.
	Causes []string
	// Link and ID are errorLink and errorId, kept for troubleshooting.
	Link, ID string
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "keyward: HTTP %d", e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Summary != "" {
		b.WriteString(": " + e.Summary)
	}
	if len(e.Causes) > 0 {
		b.WriteString(" (" + strings.Join(e.Causes, "; ") + ")")
	}
	return b.String()
}

// StatusCode returns the HTTP status of the *APIError in err's chain, or 0
// when err is nil or carries no APIError (for example a network error).
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status
	}
	return 0
}

// ErrorCode returns the Okta errorCode of the *APIError in err's chain, or "".
func ErrorCode(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

type errorBody struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorLink    string `json:"errorLink"`
	ErrorID      string `json:"errorId"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

// maxErrorExcerpt bounds how much of a non-JSON error body ends up in Summary.
const maxErrorExcerpt = 200

// newAPIError builds an APIError from a status code and a response body.
func newAPIError(status int, body []byte) *APIError {
	e := &APIError{Status: status}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && (eb.ErrorCode != "" || eb.ErrorSummary != "") {
		e.Code, e.Summary, e.Link, e.ID = eb.ErrorCode, eb.ErrorSummary, eb.ErrorLink, eb.ErrorID
		for _, c := range eb.ErrorCauses {
			e.Causes = append(e.Causes, c.ErrorSummary)
		}
		return e
	}
	// OPA's body: {"code": <status>, "message", "type"}; type becomes Code.
	var ob struct{ Message, Type string }
	if json.Unmarshal(body, &ob) == nil && (ob.Type != "" || ob.Message != "") {
		e.Code, e.Summary = ob.Type, ob.Message
		return e
	}
	text := strings.TrimSpace(string(body))
	if len(text) > maxErrorExcerpt {
		text = text[:maxErrorExcerpt] + "…"
	}
	if text == "" {
		text = http.StatusText(status)
	}
	e.Summary = text
	return e
}
