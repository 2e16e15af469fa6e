package pam

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/pam/password"
	"github.com/keyward/keyward/internal/store"
)

// InstructionRotatePassword is the server instruction that sets an account's password. Its
// stored payload names the account only; the password is added, from the sealed pending
// password, when the instruction is handed to the agent, so it is never stored in the clear.
const InstructionRotatePassword = "rotate_password"

// RotatePayload is what the agent receives for a rotation.
type RotatePayload struct {
	AccountID string `json:"account_id"`
	Login     string `json:"login"`
	Password  string `json:"password,omitempty"`
}

// Kinds of due work (work items on the jobs runner): a checkout to expire, a failed rotation
// to try again, a periodic rotation. Item ids are "<account id>@<moment in ms>" (the expiry, the
// failure, the last password change), so that an item outlived by what it was for (a checkout
// ended early, a rotation done since) does nothing.
const (
	WorkCheckoutExpiry   = "opa-checkout-expiry"
	WorkRotationRetry    = "opa-rotation-retry"
	WorkPeriodicRotation = "opa-periodic-rotation"
)

// Rotation retry back-off: doubling from a minute, at most an hour.
const (
	retryFirst = time.Minute
	retryMax   = time.Hour
)

func retryDelay(fails int) time.Duration {
	d := retryFirst
	for i := 1; i < fails && d < retryMax; i++ {
		d *= 2
	}
	return min(d, retryMax)
}

func workID(accountID string, at time.Time) string {
	return accountID + "@" + strconv.FormatInt(at.UnixMilli(), 10)
}

func parseWorkID(id string) (string, int64, error) {
	acct, at, ok := strings.Cut(id, "@")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil {
		return "", 0, fmt.Errorf("work item id %q: want <account>@<ms>", id)
	}
	return acct, n, nil
}

// schedule adds a work item due at due for what happened at the moment at, once: an item
// already there for the same moment is the same work.
func schedule(ctx context.Context, q store.Queries, kind, accountID string, at, due time.Time) error {
	return q.EnsureWorkItem(ctx, store.WorkItem{Kind: kind, ID: workID(accountID, at), DueAt: due})
}

func (s *Service) seal(plain string) string {
	return base64.StdEncoding.EncodeToString(s.Box.Seal([]byte(plain)))
}

func (s *Service) unseal(sealed string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return "", err
	}
	plain, err := s.Box.Open(raw)
	return string(plain), err
}

// startRotation generates a password under the project's policy for the account's kind and
// applies it as the kind does: a server account's by an instruction to its agent, leaving the
// account pending check-in until the agent reports; a directory account's at once.
func (s *Service) startRotation(ctx context.Context, q store.Queries, c store.Checkout) (store.Checkout, error) {
	acct, err := lookupTarget(ctx, q, c)
	if err != nil {
		return c, err
	}
	return s.rotateAccount(ctx, q, c, acct)
}

// rotateAccount is startRotation on the account the checkout is of, already looked up.
func (s *Service) rotateAccount(ctx context.Context, q store.Queries, c store.Checkout, acct TargetAccount) (store.Checkout, error) {
	pol := DefaultPasswordPolicy()
	if _, err := readSettings(ctx, q, c.TeamID, c.ProjectID, settingsKind(acct.SettingsKind, settingsPassword), &pol); err != nil {
		return c, err
	}
	pw, err := password.Generate(pol.Password)
	if err != nil {
		return c, err
	}
	if acct.Apply == ApplyInDirectory {
		return s.applyInDirectory(ctx, q, c, acct, pw)
	}
	payload, err := json.Marshal(RotatePayload{AccountID: acct.ID, Login: acct.Login})
	if err != nil {
		return c, err
	}
	in := s.newInstruction(acct.ServerID, InstructionRotatePassword, payload)
	if err := q.CreateServerInstruction(ctx, in); err != nil {
		return c, err
	}
	next, err := rotate(c, s.seal(pw), in.ID)
	if err != nil {
		return c, err
	}
	return next, s.saveCheckout(ctx, q, c, next)
}

// withPasswords fills in the passwords of the rotation instructions being handed out. An
// instruction the account no longer waits for is handed out as stored, without one: the agent
// fails it and the report changes nothing.
func (s *Service) withPasswords(ctx context.Context, q store.Queries, ins []store.ServerInstruction) error {
	for i, in := range ins {
		if in.Kind != InstructionRotatePassword {
			continue
		}
		var p RotatePayload
		if err := json.Unmarshal([]byte(in.Payload), &p); err != nil || p.AccountID == "" {
			continue
		}
		c, err := q.GetAccountCheckout(ctx, p.AccountID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && c.InstructionID != in.ID) {
			continue
		}
		if err != nil {
			return err
		}
		if p.Password, err = s.unseal(c.PendingPassword); err != nil {
			return err
		}
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		ins[i].Payload = string(b)
	}
	return nil
}

// rotationReported applies an agent's report on a rotation: success makes the new password
// current (and schedules the next periodic rotation), failure schedules a retry with back-off.
func (s *Service) rotationReported(ctx context.Context, q store.Queries, in store.ServerInstruction, r InstructionResult, now time.Time) error {
	var p RotatePayload
	if err := json.Unmarshal([]byte(in.Payload), &p); err != nil || p.AccountID == "" {
		return nil // not one of keyward's rotations
	}
	c, err := q.GetAccountCheckout(ctx, p.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	next, ok := rotated(c, in.ID, r.Succeeded, "agent_reported_failure", now)
	if !ok {
		return nil
	}
	if err := s.saveCheckout(ctx, q, c, next); err != nil {
		return err
	}
	acct, err := lookupTarget(ctx, q, next)
	if _, gone := fault.As(err); gone { // the account went since: nothing more to schedule
		return nil
	}
	if err != nil {
		return err
	}
	return scheduleAfterRotation(ctx, q, acct, next, r.Succeeded, now)
}

// scheduleAfterRotation schedules what follows a rotation's outcome: a retry with back-off after
// a failure, the next periodic rotation after a success when the account's policy rotates it.
func scheduleAfterRotation(ctx context.Context, q store.Queries, acct TargetAccount, c store.Checkout, succeeded bool, now time.Time) error {
	if !succeeded {
		return schedule(ctx, q, WorkRotationRetry, c.AccountID, now, now.Add(retryDelay(c.RotationFails)))
	}
	pol := DefaultPasswordPolicy()
	if _, err := readSettings(ctx, q, c.TeamID, c.ProjectID, settingsKind(acct.SettingsKind, settingsPassword), &pol); err != nil {
		return err
	}
	if pol.Rotates(acct.SettingsKey) && pol.PeriodicRotationSeconds > 0 {
		return schedule(ctx, q, WorkPeriodicRotation, c.AccountID, now, now.Add(time.Duration(pol.PeriodicRotationSeconds)*time.Second))
	}
	return nil
}

// onAccount runs step on the account a work item names, in one transaction. What the item is
// for being gone since (its checkout, account, server, project or team, before the item ran or
// while it ran) is nothing to do: the transaction is rolled back and the item done. The check
// is made on the transaction's outcome, not inside it: a write that failed on a parent deleted
// meanwhile ends the transaction on PostgreSQL, which could not be committed.
func (s *Service) onAccount(ctx context.Context, id string, step func(q store.Queries, c store.Checkout, at int64) error) error {
	acct, at, err := parseWorkID(id)
	if err != nil {
		return err
	}
	err = s.Store.InTx(ctx, func(q store.Queries) error {
		c, err := q.GetAccountCheckout(ctx, acct)
		if err != nil {
			return err
		}
		return step(q, c, at)
	})
	if isGone(err) {
		return nil
	}
	return err
}

// isGone reports an error saying that what was looked up or written under does not exist (any
// more): the store's not found, or the domain's NotFound fault.
func isGone(err error) bool {
	return errors.Is(err, store.ErrNotFound) || isMissing(err)
}

// ExpireCheckout is the work of WorkCheckoutExpiry: the checkout the item was made for, if it
// is still out, is checked in as expired and its password rotated.
func (s *Service) ExpireCheckout(ctx context.Context, it store.WorkItem, now time.Time) error {
	return s.onAccount(ctx, it.ID, func(q store.Queries, c store.Checkout, at int64) error {
		if c.State != store.CheckoutCheckedOut || c.ExpiresAt.UnixMilli() != at || now.Before(c.ExpiresAt) {
			return nil
		}
		return s.checkInAndRotate(ctx, q, c, CheckinExpired, systemCheckinBy, now)
	})
}

// RetryRotation is the work of WorkRotationRetry: a rotation that failed and was not started
// again since is started again.
func (s *Service) RetryRotation(ctx context.Context, it store.WorkItem, now time.Time) error {
	return s.onAccount(ctx, it.ID, func(q store.Queries, c store.Checkout, _ int64) error {
		if c.State != store.CheckoutPendingCheckin || c.InstructionID != "" {
			return nil
		}
		_, err := s.startRotation(ctx, q, c)
		return err
	})
}

// RotatePeriodically is the work of WorkPeriodicRotation: an available account whose password
// is still the one set when the period began gets a new one, while keyward manages it. A
// checked-out account is rotated at its check-in instead, which schedules the next period.
func (s *Service) RotatePeriodically(ctx context.Context, it store.WorkItem, now time.Time) error {
	return s.onAccount(ctx, it.ID, func(q store.Queries, c store.Checkout, setAt int64) error {
		if c.State != store.CheckoutAvailable || c.SuccessAt.UnixMilli() != setAt {
			return nil
		}
		a, err := lookupTarget(ctx, q, c)
		if _, gone := fault.As(err); gone || a.Unmanaged {
			return nil // the account is gone, or no longer managed
		}
		if err != nil {
			return err
		}
		_, err = s.rotateAccount(ctx, q, c, a)
		return err
	})
}

// checkInAndRotate ends a checkout and starts the rotation that follows it.
func (s *Service) checkInAndRotate(ctx context.Context, q store.Queries, c store.Checkout, typ, by string, now time.Time) error {
	next, err := checkIn(c, typ, by, now)
	if err != nil {
		return err
	}
	if err := s.saveCheckout(ctx, q, c, next); err != nil {
		return err
	}
	next.Version++
	_, err = s.startRotation(ctx, q, next)
	return err
}
