// Package opa serves the Okta Privileged Access API under /v1/teams/{team_name}. Each route row
// names its operationId and, for calls with a bearer token (wire.OPABearer), the operation's
// x-okta-opa-roles; the router refuses a token of another team or without one of the roles with
// 401, as OPA does, and a test checks every row against the spec. Handlers return faults, which
// package wire words as OPA's {"code","message","type"}; lists go through paging.OPA; every
// route counts against the team's rate-limit bucket (wire.BucketOPA). See docs/opa.md.
package opa

import (
	"net/http"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/paging"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/vault"
)

// Handlers serves the OPA API.
type Handlers struct {
	Auth     *auth.Service
	PAM      *pam.Service
	Paging   paging.OPA
	Vault    *vault.Keys // the teams' vault keys (GET /vault/jwks.json)
	TokenTTL time.Duration
	Now      func() time.Time // real time: service tokens must not expire on a virtual clock jump
}

type tokenResponse struct {
	BearerToken string `json:"bearer_token"`
	ExpiresAt   string `json:"expires_at"`
	TeamName    string `json:"team_name"`
}

func (h *Handlers) issueServiceToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		KeyID     string `json:"key_id"`
		KeySecret string `json:"key_secret"`
	}
	if err := wire.DecodeCredential(r, &in); err != nil {
		return err
	}
	var missing []fault.Cause
	if strings.TrimSpace(in.KeyID) == "" {
		missing = append(missing, fault.Required("key_id", "key_id: is required"))
	}
	if in.KeySecret == "" {
		missing = append(missing, fault.Required("key_secret", "key_secret: is required"))
	}
	if len(missing) > 0 {
		return fault.InvalidFields(missing...)
	}
	t, err := h.Auth.IssueServiceToken(r.Context(), r.PathValue("team_name"), in.KeyID, in.KeySecret, h.Now(), h.TokenTTL)
	if err != nil {
		return wire.Unauthorized(err)
	}
	wire.JSON(w, http.StatusOK, tokenResponse{BearerToken: t.Token, ExpiresAt: t.ExpiresAt.UTC().Format(time.RFC3339), TeamName: t.TeamName})
	return nil
}
