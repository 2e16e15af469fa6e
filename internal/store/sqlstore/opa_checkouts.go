package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/keyward/keyward/internal/store"
)

const checkoutCols = `account_id, resource_type, team_id, resource_group_id, project_id, state, user_id, checkout_at, expires_at,
	checkin_type, checkin_by, checkin_start_at, password, pending_password, instruction_id, rotation_fails, success_at, error_at,
	error_type, version`

func scanCheckout(r scanner) (store.Checkout, error) {
	var c store.Checkout
	var out, exp, start, ok, bad int64
	err := r.Scan(&c.AccountID, &c.ResourceType, &c.TeamID, &c.ResourceGroupID, &c.ProjectID, &c.State, &c.UserID, &out, &exp,
		&c.CheckinType, &c.CheckinBy, &start, &c.Password, &c.PendingPassword, &c.InstructionID, &c.RotationFails, &ok, &bad,
		&c.ErrorType, &c.Version)
	c.CheckoutAt, c.ExpiresAt, c.CheckinStartAt, c.SuccessAt, c.ErrorAt = fromMS(out), fromMS(exp), fromMS(start), fromMS(ok), fromMS(bad)
	return c, err
}

// checkoutValues are a row's values after the key, in checkoutCols order.
func checkoutValues(c store.Checkout) []any {
	return []any{c.ResourceType, c.TeamID, c.ResourceGroupID, c.ProjectID, c.State, c.UserID, ms(c.CheckoutAt), ms(c.ExpiresAt),
		c.CheckinType, c.CheckinBy, ms(c.CheckinStartAt), c.Password, c.PendingPassword, c.InstructionID, c.RotationFails,
		ms(c.SuccessAt), ms(c.ErrorAt), c.ErrorType}
}

func (q queries) CreateCheckout(ctx context.Context, c store.Checkout) error {
	args := append([]any{c.AccountID}, checkoutValues(c)...)
	args = append(args, c.Version)
	_, err := q.exec(ctx, "create checkout", `INSERT INTO opa_checkouts (`+checkoutCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7,
		$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`, args...)
	return err
}

func (q queries) GetCheckout(ctx context.Context, teamID, accountID string) (store.Checkout, error) {
	c, err := scanCheckout(q.db.QueryRowContext(ctx, `SELECT `+checkoutCols+` FROM opa_checkouts WHERE team_id = $1 AND account_id = $2`,
		teamID, accountID))
	if err != nil {
		return c, notFound("get checkout", err)
	}
	return c, nil
}

func (q queries) GetAccountCheckout(ctx context.Context, accountID string) (store.Checkout, error) {
	c, err := scanCheckout(q.db.QueryRowContext(ctx, `SELECT `+checkoutCols+` FROM opa_checkouts WHERE account_id = $1`, accountID))
	if err != nil {
		return c, notFound("get checkout", err)
	}
	return c, nil
}

func (q queries) UpdateCheckout(ctx context.Context, c store.Checkout) error {
	args := append(checkoutValues(c)[4:], c.AccountID, c.Version)
	res, err := q.exec(ctx, "update checkout", `UPDATE opa_checkouts SET state = $1, user_id = $2, checkout_at = $3,
		expires_at = $4, checkin_type = $5, checkin_by = $6, checkin_start_at = $7, password = $8, pending_password = $9,
		instruction_id = $10, rotation_fails = $11, success_at = $12, error_at = $13, error_type = $14, version = version + 1
		WHERE account_id = $15 AND version = $16`, args...)
	return mustAffect(res, err, errStale("update checkout"))
}

func (q queries) ListCheckouts(ctx context.Context, teamID string, f store.CheckoutFilter, p store.Page) ([]store.Checkout, error) {
	var b strings.Builder
	b.WriteString(`SELECT ` + checkoutCols + ` FROM opa_checkouts WHERE team_id = $1`)
	args := []any{teamID}
	args = equalFilters(&b, args, [][2]string{{"project_id", f.ProjectID}, {"user_id", f.UserID}, {"resource_type", f.ResourceType}})
	if f.ResourceTypes != nil {
		var marks string
		marks, args = inList(args, f.ResourceTypes)
		fmt.Fprintf(&b, " AND resource_type IN (%s)", marks)
	}
	if f.States != nil {
		var marks string
		marks, args = inList(args, f.States)
		fmt.Fprintf(&b, " AND state IN (%s)", marks)
	}
	query, args := paged(b.String(), args, p, "", "account_id")
	return list(ctx, q, query, args, scanCheckout)
}
