package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
)

// OAuth error codes (RFC 6749 section 5.2).
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidScope         = "invalid_scope"
	CodeUnsupportedGrantType = "unsupported_grant_type"
)

var (
	// ErrUnknownClient is wrapped by Issuer.Lookup errors for client ids
	// that are not registered.
	ErrUnknownClient = errors.New("oauth: unknown client")

	// ErrInvalidToken is wrapped by every error Issuer.Verify returns for a
	// token it does not accept.
	ErrInvalidToken = errors.New("oauth: invalid access token")
)

// Error is an OAuth error answer for a token request the client got wrong.
type Error struct {
	// Status is the HTTP status to answer with: 400, or 401 for
	// invalid_client.
	Status int
	// Code is the OAuth error code, e.g. "invalid_client".
	Code string
	// Description is human readable text for error_description.
	Description string
}

func (e *Error) Error() string {
	if e.Description == "" {
		return "oauth: " + e.Code
	}
	return "oauth: " + e.Code + ": " + e.Description
}

// Body returns the JSON body of the error answer:
// {"error":"<Code>","error_description":"<Description>"}.
func (e *Error) Body() []byte {
	b, err := json.Marshal(struct {
		Error       string `json:"error"`
		Description string `json:"error_description,omitempty"`
	}{e.Code, e.Description})
	if err != nil { // cannot happen for two strings
		return []byte(`{"error":"server_error"}`)
	}
	return b
}

func invalidRequest(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Description: desc}
}

func invalidClient(desc string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: CodeInvalidClient, Description: desc}
}

func invalidScope(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidScope, Description: desc}
}

func unsupportedGrantType(desc string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeUnsupportedGrantType, Description: desc}
}
