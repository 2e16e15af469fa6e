package app

import (
	"context"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/pam"
)

// groupRoles gives package auth the OPA roles of a credential's holder from its groups, read at
// each request (package pam): from what authentication read of the holder and its groups when
// it is there, else from the store.
type groupRoles struct{ pam *pam.Service }

func (g groupRoles) Roles(ctx context.Context, c auth.OPACredential) ([]string, error) {
	if c.Caller.TeamID != "" {
		return pam.CallerRoles(c.Caller), nil
	}
	if c.Token.Hash == "" { // a human user's token
		return g.pam.Roles(ctx, c.TeamID, c.UserID)
	}
	return g.pam.ServiceTokenRoles(ctx, c.Token)
}
