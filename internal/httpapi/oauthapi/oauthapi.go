// Package oauthapi serves Okta's org authorization server endpoints that service apps use:
// the client-credentials token endpoint (private_key_jwt client authentication) and the JWKS
// of the keys access tokens are signed with. Errors here are OAuth's {"error",
// "error_description"}, as Okta's token endpoint answers them.
package oauthapi

import (
	"errors"
	"mime"
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/oauth"
)

// Handlers serves the OAuth endpoints.
type Handlers struct {
	Issuer *oauth.Issuer
}

// Routes is the OAuth route table.
func (h *Handlers) Routes() []wire.Route {
	return []wire.Route{
		{Method: "POST", Pattern: "/oauth2/v1/token", Name: "token", Access: wire.Public, Bucket: wire.BucketOAuth, Handler: inOAuthTerms(h.token)},
		{Method: "GET", Pattern: "/oauth2/v1/keys", Name: "oauthKeys", Access: wire.Public, Bucket: wire.BucketOAuth, Handler: inOAuthTerms(h.keys)},
	}
}

func (h *Handlers) token(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return oauthError(w, &oauth.Error{Status: http.StatusBadRequest, Code: oauth.CodeInvalidRequest,
			Description: "The token request must be application/x-www-form-urlencoded."})
	}
	if err := r.ParseForm(); err != nil {
		return oauthError(w, &oauth.Error{Status: http.StatusBadRequest, Code: oauth.CodeInvalidRequest,
			Description: "The token request body could not be parsed."})
	}
	resp, err := h.Issuer.Token(r.Context(), oauth.ParseTokenRequest(r.PostForm))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, resp)
	return nil
}

// inOAuthTerms answers every error of an OAuth endpoint in OAuth's body: the client's mistakes as
// the oauth package names them, anything else as server_error, its cause kept for the log only.
func inOAuthTerms(h wire.Handler) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil {
			return nil
		}
		var oe *oauth.Error
		if errors.As(err, &oe) {
			return oauthError(w, oe)
		}
		e := wire.As(err)
		if info := wire.InfoFrom(r.Context()); info != nil {
			info.Err = err
		}
		return oauthError(w, &oauth.Error{Status: e.Status, Code: codeServerError,
			Description: "The server could not answer the request; try again later."})
	}
}

// codeServerError is OAuth's code for a failure of the authorization server (RFC 6749 4.1.2.1).
const codeServerError = "server_error"

func oauthError(w http.ResponseWriter, e *oauth.Error) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	_, _ = w.Write(e.Body()) // a client gone away cannot be told anything
	return nil
}

func (h *Handlers) keys(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "max-age=300")
	wire.JSON(w, http.StatusOK, h.Issuer.Signer.JWKS())
	return nil
}
