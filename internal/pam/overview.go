package pam

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

// TeamCheckouts pages the team's held checkouts (checked out or pending check-in) of every
// project, by account id: the read-only overview the admin API gives keyward's operator.
func (s *Service) TeamCheckouts(ctx context.Context, teamID string, pg store.Page) ([]CheckedOut, error) {
	f := store.CheckoutFilter{States: []string{store.CheckoutCheckedOut, store.CheckoutPendingCheckin}}
	return s.listCheckouts(ctx, teamID, f, pg)
}
