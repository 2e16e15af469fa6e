package oauth

import (
	"net/url"
	"strings"
)

// Protocol constants of the token endpoint.
const (
	TokenPath              = "/oauth2/v1/token"
	KeysPath               = "/oauth2/v1/keys"
	GrantClientCredentials = "client_credentials"
	AssertionTypeJWT       = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	TokenTypeBearer        = "Bearer"
)

// TokenRequest is the parsed form of a token call.
type TokenRequest struct {
	GrantType           string
	Scope               string
	ClientAssertionType string
	ClientAssertion     string
	ClientID            string
}

// ParseTokenRequest reads a token call from its form values (for instance
// http.Request.PostForm).
func ParseTokenRequest(form url.Values) TokenRequest {
	get := func(k string) string { return strings.TrimSpace(form.Get(k)) }
	return TokenRequest{
		GrantType:           get("grant_type"),
		Scope:               get("scope"),
		ClientAssertionType: get("client_assertion_type"),
		ClientAssertion:     get("client_assertion"),
		ClientID:            get("client_id"),
	}
}

// TokenResponse is the JSON answer to a successful token call.
type TokenResponse struct {
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	AccessToken string `json:"access_token"`
	Scope       string `json:"scope"`
}

// parseScopes splits a space separated scope list, dropping duplicates.
func parseScopes(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.Fields(s) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
