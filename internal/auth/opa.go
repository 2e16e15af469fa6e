package auth

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/pam"
)

// ServiceToken is a minted OPA bearer token.
type ServiceToken = pam.ServiceToken

// IssueServiceToken exchanges an active service user's API key for a bearer token valid for ttl,
// for the named team only (the rules are package pam's); a refused credential is ErrInvalid.
func (s *Service) IssueServiceToken(ctx context.Context, teamName, keyID, keySecret string, now time.Time, ttl time.Duration) (ServiceToken, error) {
	t, err := (&pam.Service{Store: s.Store}).IssueServiceToken(ctx, teamName, keyID, keySecret, now, ttl)
	if f, ok := fault.As(err); ok && f.Kind == fault.Unauthorized {
		return t, ErrInvalid
	}
	return t, err
}
