package sqlstore

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/store"
)

const instructionCols = `id, server_id, kind, payload, attempt, delivered_attempt, status, result, created_at, updated_at`

func scanServerInstruction(r scanner) (store.ServerInstruction, error) {
	var in store.ServerInstruction
	var created, updated int64
	err := r.Scan(&in.ID, &in.ServerID, &in.Kind, &in.Payload, &in.Attempt, &in.DeliveredAttempt, &in.Status, &in.Result,
		&created, &updated)
	in.CreatedAt, in.UpdatedAt = fromMS(created), fromMS(updated)
	return in, err
}

func (q queries) CreateServerInstruction(ctx context.Context, in store.ServerInstruction) error {
	_, err := q.exec(ctx, "create server instruction", `INSERT INTO opa_server_instructions (`+instructionCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, in.ID, in.ServerID, in.Kind, in.Payload, in.Attempt, in.DeliveredAttempt,
		in.Status, in.Result, ms(in.CreatedAt), ms(in.UpdatedAt))
	return err
}

func (q queries) DeliverServerInstructions(ctx context.Context, serverID string, at time.Time) ([]store.ServerInstruction, error) {
	pending, err := list(ctx, q, `SELECT `+instructionCols+` FROM opa_server_instructions
		WHERE server_id = $1 AND status = $2 AND delivered_attempt < attempt ORDER BY created_at, id`,
		[]any{serverID, store.InstructionPending}, scanServerInstruction)
	if err != nil {
		return nil, err
	}
	var out []store.ServerInstruction
	for _, in := range pending {
		// Conditional on the attempt still being undelivered: a concurrent heartbeat that got
		// there first leaves nothing to change, and this one does not hand it out again.
		res, err := q.exec(ctx, "deliver server instruction", `UPDATE opa_server_instructions
			SET status = $1, delivered_attempt = attempt, updated_at = $2
			WHERE id = $3 AND status = $4 AND delivered_attempt < attempt`, store.InstructionDelivered, ms(at), in.ID, store.InstructionPending)
		if err := mustAffect(res, err, store.ErrStale); err != nil {
			if err == store.ErrStale {
				continue
			}
			return nil, err
		}
		in.Status, in.DeliveredAttempt, in.UpdatedAt = store.InstructionDelivered, in.Attempt, fromMS(ms(at))
		out = append(out, in)
	}
	return out, nil
}

func (q queries) GetServerInstruction(ctx context.Context, serverID, id string) (store.ServerInstruction, error) {
	in, err := scanServerInstruction(q.db.QueryRowContext(ctx, `SELECT `+instructionCols+` FROM opa_server_instructions
		WHERE server_id = $1 AND id = $2`, serverID, id))
	if err != nil {
		return in, notFound("get server instruction", err)
	}
	return in, nil
}

func (q queries) FinishServerInstruction(ctx context.Context, serverID, id, status, result string, at time.Time) error {
	res, err := q.exec(ctx, "finish server instruction", `UPDATE opa_server_instructions SET status = $1, result = $2, updated_at = $3
		WHERE server_id = $4 AND id = $5 AND status = $6`, status, result, ms(at), serverID, id, store.InstructionDelivered)
	return mustAffect(res, err, notFound("finish server instruction", store.ErrNotFound))
}
