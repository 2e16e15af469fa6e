package pam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// Bounds on what an agent reports.
const (
	maxLabels   = 64
	maxAccounts = 1000
)

// OS types a server may report.
var osTypes = []string{"linux", "windows"}

// Enrollment is what a server agent sends to enroll.
type Enrollment struct {
	Hostname     string
	OSType       string
	OS           string
	AgentVersion string
	Labels       map[string]string
	Accounts     []string
}

// Enrolled is the answer to an enrollment: the credential is shown this once.
type Enrolled struct {
	ServerID   string
	Credential string
}

// Beat is what a server agent reports on a heartbeat; nil Accounts leaves the accounts as they are.
type Beat struct {
	Accounts []string
}

func (e Enrollment) check() []string {
	cs := []string{checkAgentText("hostname", e.Hostname, true), checkAgentText("os", e.OS, false),
		checkAgentText("agent_version", e.AgentVersion, false)}
	if !contains(osTypes, e.OSType) {
		cs = append(cs, "os_type: must be linux or windows")
	}
	if len(e.Labels) > maxLabels {
		cs = append(cs, fmt.Sprintf("labels: at most %d", maxLabels))
	}
	for k, v := range e.Labels {
		cs = append(cs, checkAgentText("labels", k, true), checkAgentText("labels", v, false))
	}
	cs = append(cs, checkLogins(e.Accounts)...)
	return causes(cs...)
}

func checkLogins(logins []string) []string {
	if len(logins) > maxAccounts {
		return []string{fmt.Sprintf("accounts: at most %d", maxAccounts)}
	}
	var cs []string
	for _, l := range logins {
		cs = append(cs, checkAgentText("accounts", l, true))
	}
	return causes(cs...)
}

// checkAgentText bounds a reported string to what both databases store and index.
func checkAgentText(field, s string, required bool) string {
	switch {
	case required && s == "":
		return field + ": is required"
	case utf8.RuneCountInString(s) > maxName || len(s) > 4*maxName:
		return field + ": must be at most 255 characters"
	}
	return checkText(field, s)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Enroll admits a server into the project of a live enrollment token. A hostname already
// enrolled in the project is the same server: it gets a new credential and the old one stops
// working, and when its labels changed the checkouts of its accounts are re-evaluated.
func (s *Service) Enroll(ctx context.Context, token string, e Enrollment) (Enrolled, error) {
	if cs := e.check(); len(cs) > 0 {
		return Enrolled{}, fault.Invalidf("Enrollment", cs...)
	}
	cred := ids.Secret()
	var out Enrolled
	relabelled, teamID := false, ""
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		t, err := s.enrollmentByValue(ctx, q, token)
		if err != nil {
			return err
		}
		p, err := q.GetProject(ctx, t.TeamID, t.ResourceGroupID, t.ProjectID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		srv, err := q.GetServerByHostname(ctx, p.ID, e.Hostname)
		fresh, before := errors.Is(err, store.ErrNotFound), srv
		switch {
		case fresh:
			srv = store.Server{ID: newID(), TeamID: p.TeamID, ResourceGroupID: p.ResourceGroupID, ProjectID: p.ID,
				Hostname: e.Hostname, RegisteredAt: now}
		case err != nil:
			return err
		}
		relabelled, teamID = !fresh && !maps.Equal(srv.Labels, e.Labels), p.TeamID
		srv.OSType, srv.OS, srv.AgentVersion, srv.Labels = e.OSType, e.OS, e.AgentVersion, e.Labels
		srv.CredentialHash, srv.LastSeen = ids.Hash(cred), now
		if fresh {
			err = taken(q.CreateServer(ctx, srv), "server", srv.Hostname, "project")
		} else {
			err = q.ReenrollServer(ctx, srv)
		}
		if err != nil {
			return err
		}
		if err := s.recordEnrollment(ctx, q, before, srv, fresh); err != nil {
			return err
		}
		out = Enrolled{ServerID: srv.ID, Credential: cred}
		return s.syncAccounts(ctx, q, p, srv, e.Accounts)
	})
	if err == nil && relabelled { // label policies may no longer select its accounts
		err = s.endAccountsLostCheckouts(ctx, teamID, store.AccountFilter{ServerID: out.ServerID})
	}
	return out, err
}

// serverByCredential is the server holding a credential; an unknown one is Unauthorized.
func serverByCredential(ctx context.Context, q store.Queries, credential string) (store.Server, error) {
	srv, err := q.GetServerByCredential(ctx, ids.Hash(credential))
	if errors.Is(err, store.ErrNotFound) {
		return srv, fault.Unauthorizedf("Invalid server credential")
	}
	return srv, err
}

// Heartbeat records that a server is alive, takes its account list and hands out its pending
// instructions, each attempt once, in the same transaction.
func (s *Service) Heartbeat(ctx context.Context, credential string, b Beat) ([]store.ServerInstruction, error) {
	if cs := checkLogins(b.Accounts); len(cs) > 0 {
		return nil, fault.Invalidf("Heartbeat", cs...)
	}
	var out []store.ServerInstruction
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		srv, err := serverByCredential(ctx, q, credential)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if err := q.SeeServer(ctx, srv.ID, now); err != nil {
			return err
		}
		if b.Accounts != nil {
			p, err := q.GetProject(ctx, srv.TeamID, srv.ResourceGroupID, srv.ProjectID)
			if err != nil {
				return err
			}
			if err := s.syncAccounts(ctx, q, p, srv, b.Accounts); err != nil {
				return err
			}
		}
		if out, err = q.DeliverServerInstructions(ctx, srv.ID, now); err != nil {
			return err
		}
		return s.withPasswords(ctx, q, out)
	})
	return out, err
}

// InstructionResult is what an agent reports for a delivered instruction.
type InstructionResult struct {
	Succeeded bool
	Result    json.RawMessage // the kind's own report; {} when none
}

// ReportInstructionResult records a delivered instruction's outcome. An instruction of another
// server, or not delivered, is NotFound.
func (s *Service) ReportInstructionResult(ctx context.Context, credential, id string, r InstructionResult) error {
	if len(r.Result) == 0 {
		r.Result = json.RawMessage("{}")
	}
	if !storable(id) || !utf8.Valid(r.Result) || !json.Valid(r.Result) {
		return fault.Invalidf("InstructionResult", "result: must be a JSON value")
	}
	status := store.InstructionFailed
	if r.Succeeded {
		status = store.InstructionSucceeded
	}
	return s.Store.InTx(ctx, func(q store.Queries) error {
		srv, err := serverByCredential(ctx, q, credential)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if err := q.FinishServerInstruction(ctx, srv.ID, id, status, string(r.Result), now); err != nil {
			return missing(err, id, "Instruction")
		}
		in, err := q.GetServerInstruction(ctx, srv.ID, id)
		if err != nil || in.Kind != InstructionRotatePassword {
			return err
		}
		return s.rotationReported(ctx, q, in, r, now)
	})
}

// QueueServerInstruction adds work for a server's agent, handed out at its next heartbeat.
func (s *Service) QueueServerInstruction(ctx context.Context, serverID, kind string, payload json.RawMessage) (store.ServerInstruction, error) {
	in := s.newInstruction(serverID, kind, payload)
	return in, s.Store.CreateServerInstruction(ctx, in)
}

func (s *Service) newInstruction(serverID, kind string, payload json.RawMessage) store.ServerInstruction {
	now := s.Clock.Now()
	return store.ServerInstruction{ID: newID(), ServerID: serverID, Kind: kind, Payload: string(payload), Attempt: 1,
		Status: store.InstructionPending, Result: "{}", CreatedAt: now, UpdatedAt: now}
}

// HeartbeatInterval is how often agents are asked to heartbeat.
const HeartbeatInterval = 30 * time.Second
