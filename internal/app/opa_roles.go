package app

import (
	"context"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/pam"
)

// groupRoles gives package auth the OPA roles of a credential's holder from its groups (package
// pam), from what authentication read of the holder and its groups in its one statement.
type groupRoles struct{}

func (groupRoles) Roles(_ context.Context, c auth.OPACredential) ([]string, error) {
	return pam.CallerRoles(c.Caller), nil
}
