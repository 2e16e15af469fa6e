package wire

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Dialect is the error format of a part of the API.
type Dialect int

// The error dialects.
const (
	Okta Dialect = iota
	OPA
)

// DialectOf picks the dialect by path: OPA under /v1/teams, Okta everywhere else.
func DialectOf(path string) Dialect {
	if strings.HasPrefix(path, "/v1/") || path == "/v1" {
		return OPA
	}
	return Okta
}

type oktaError struct {
	ErrorCode    string       `json:"errorCode"`
	ErrorSummary string       `json:"errorSummary"`
	ErrorLink    string       `json:"errorLink"`
	ErrorID      string       `json:"errorId"`
	ErrorCauses  []oktaCauses `json:"errorCauses"`
}

type oktaCauses struct {
	ErrorSummary string `json:"errorSummary"`
}

type opaError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Type    string `json:"type"`
}

var opaTypes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusUnauthorized:          "authorization_error",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not_found",
	http.StatusMethodNotAllowed:      "bad_request",
	http.StatusRequestEntityTooLarge: "bad_request",
	http.StatusUnsupportedMediaType:  "bad_request",
	http.StatusConflict:              "conflict",
	http.StatusPreconditionFailed:    "precondition_failed",
	http.StatusTooManyRequests:       "rate_limit_exceeded",
}

// WriteError answers r with err in the dialect of r's path.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := As(err)
	info := InfoFrom(r.Context())
	if info != nil {
		info.Err = err
	}
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if e.NoBody {
		w.WriteHeader(e.Status)
		return
	}
	if DialectOf(r.URL.Path) == OPA {
		JSON(w, e.Status, opaBody(e))
		return
	}
	body := oktaError{ErrorCode: e.Code, ErrorSummary: e.Summary, ErrorLink: e.Code, ErrorCauses: []oktaCauses{}}
	if info != nil {
		body.ErrorID = info.ErrorID()
	}
	for _, c := range e.Causes {
		body.ErrorCauses = append(body.ErrorCauses, oktaCauses{ErrorSummary: c})
	}
	JSON(w, e.Status, body)
}

// opaBody words e for OPA. Errors made outside package fault (JSON decoding, the router) carry
// Okta's words only: their message drops Okta's validation prefix.
func opaBody(e *Error) opaError {
	typ := opaTypes[e.Status]
	if typ == "" {
		typ = "internal_error" // the spec names no type for 5xx
	}
	msg := e.Message
	if msg == "" {
		msg = joinCauses(strings.TrimPrefix(e.Summary, oktaValidation), e.Causes)
	}
	return opaError{Code: e.Status, Message: msg, Type: typ}
}

// joinCauses is summary followed by the causes, as one sentence.
func joinCauses(summary string, causes []string) string {
	rest := strings.Join(causes, "; ")
	switch {
	case summary == "":
		return rest
	case rest == "":
		return summary
	}
	return summary + ": " + rest
}

// JSON writes v as the JSON response body with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // a client gone away cannot be told anything
}

// NoContent answers 204.
func NoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
