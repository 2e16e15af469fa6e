package sqlstore

import (
	"context"

	"github.com/keyward/keyward/internal/store"
)

func (q queries) ListCheckoutRotations(ctx context.Context, teamID string, accountIDs []string) ([]store.CheckoutRotation, error) {
	if len(accountIDs) == 0 {
		return nil, nil
	}
	marks, args := inList([]any{teamID}, accountIDs)
	return list(ctx, q, `SELECT account_id, success_at, error_at, error_type FROM opa_checkouts
		WHERE team_id = $1 AND account_id IN (`+marks+`) ORDER BY account_id`, args, func(r scanner) (store.CheckoutRotation, error) {
		var c store.CheckoutRotation
		var success, failed int64
		err := r.Scan(&c.AccountID, &success, &failed, &c.ErrorType)
		c.SuccessAt, c.ErrorAt = fromMS(success), fromMS(failed)
		return c, err
	})
}
