// Package opa serves the Okta Privileged Access API under /v1/teams/{team_name}. Errors here
// are OPA's {"code","message","type"}; a missing role answers 401, as OPA does.
package opa

import (
	"net/http"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/httpapi/wire"
)

// Handlers serves the OPA API.
type Handlers struct {
	Auth     *auth.Service
	TokenTTL time.Duration
	Now      func() time.Time // real time: service tokens must not expire on a virtual clock jump
}

// Routes is the OPA route table.
func (h *Handlers) Routes() []wire.Route {
	return []wire.Route{
		{Method: "POST", Pattern: "/v1/teams/{team_name}/service_token", Name: "IssueServiceToken", Access: wire.Public, Handler: h.issueServiceToken},
	}
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
	var missing []string
	if strings.TrimSpace(in.KeyID) == "" {
		missing = append(missing, "key_id is required")
	}
	if in.KeySecret == "" {
		missing = append(missing, "key_secret is required")
	}
	if len(missing) > 0 {
		return &wire.Error{Status: http.StatusBadRequest, Code: wire.CodeValidation, Summary: "invalid request", Causes: missing}
	}
	t, err := h.Auth.IssueServiceToken(r.Context(), r.PathValue("team_name"), in.KeyID, in.KeySecret, h.Now(), h.TokenTTL)
	if err != nil {
		return wire.Unauthorized(err)
	}
	wire.JSON(w, http.StatusOK, tokenResponse{BearerToken: t.Token, ExpiresAt: t.ExpiresAt.UTC().Format(time.RFC3339), TeamName: t.TeamName})
	return nil
}
