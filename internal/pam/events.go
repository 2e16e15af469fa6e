package pam

import (
	"context"
	"time"

	"github.com/keyward/keyward/internal/events"
	"github.com/keyward/keyward/internal/store"
)

// Event types of the OPA domain.
const (
	EventServerEnrolled    = "server.enrolled"
	EventCheckout          = "checkout"
	EventCheckin           = "checkin"
	EventRotationStarted   = "rotation.started"
	EventRotationSucceeded = "rotation.succeeded"
	EventRotationFailed    = "rotation.failed"
)

// checkoutState is what an event shows of a checkout: never a password.
type checkoutState struct {
	State         string     `json:"state"`
	ResourceType  string     `json:"resourceType"`
	User          string     `json:"user,omitempty"`
	ExpiresAt     *time.Time `json:"expiresAt,omitempty"`
	CheckinType   string     `json:"checkinType,omitempty"`
	Rotating      bool       `json:"rotating"`
	RotationFails int        `json:"rotationFails,omitempty"`
	ErrorType     string     `json:"errorType,omitempty"`
}

func stateOfCheckout(c store.Checkout) checkoutState {
	s := checkoutState{State: c.State, ResourceType: c.ResourceType, User: c.UserID, CheckinType: c.CheckinType,
		Rotating: c.InstructionID != "", RotationFails: c.RotationFails, ErrorType: c.ErrorType}
	if !c.ExpiresAt.IsZero() {
		t := c.ExpiresAt.UTC()
		s.ExpiresAt = &t
	}
	return s
}

// checkoutEvent names the transition from before to after ("" for none worth an event).
func checkoutEvent(before, after store.Checkout) (typ, summary string) {
	switch {
	case after.State == store.CheckoutCheckedOut && before.State != store.CheckoutCheckedOut:
		return EventCheckout, "checked out by user " + after.UserID + " until " + after.ExpiresAt.UTC().Format(time.RFC3339)
	case before.State == store.CheckoutCheckedOut && after.State == store.CheckoutPendingCheckin:
		return EventCheckin, "checked in (" + after.CheckinType + ")"
	case after.InstructionID != "" && after.InstructionID != before.InstructionID:
		return EventRotationStarted, "password rotation started"
	case before.InstructionID != "" && after.InstructionID == "" && after.State == store.CheckoutAvailable:
		return EventRotationSucceeded, "password rotation succeeded"
	case before.InstructionID != "" && after.InstructionID == "":
		return EventRotationFailed, "password rotation failed (" + after.ErrorType + ")"
	}
	return "", ""
}

// saveCheckout stores a checkout changed from before and records the transition in the same
// transaction. Every change of a checkout's state goes through it.
func (s *Service) saveCheckout(ctx context.Context, q store.Queries, before, after store.Checkout) error {
	if err := q.UpdateCheckout(ctx, after); err != nil {
		return err
	}
	typ, summary := checkoutEvent(before, after)
	if typ == "" {
		return nil
	}
	return s.Events.Record(ctx, q, events.Change{Type: typ, Team: after.TeamID, Resource: "account/" + after.AccountID,
		Summary: "account " + after.AccountID + ": " + summary, Before: stateOfCheckout(before), After: stateOfCheckout(after)})
}

type serverState struct {
	Hostname     string `json:"hostname"`
	Project      string `json:"project"`
	OSType       string `json:"osType,omitempty"`
	AgentVersion string `json:"agentVersion,omitempty"`
}

// recordEnrollment records a server's enrollment (fresh) or re-enrollment (before is what it was).
func (s *Service) recordEnrollment(ctx context.Context, q store.Queries, before, srv store.Server, fresh bool) error {
	c := events.Change{Type: EventServerEnrolled, Team: srv.TeamID, Resource: "server/" + srv.ID,
		Summary: "server " + srv.Hostname + " enrolled in project " + srv.ProjectID,
		After:   serverState{Hostname: srv.Hostname, Project: srv.ProjectID, OSType: srv.OSType, AgentVersion: srv.AgentVersion}}
	if !fresh {
		c.Summary = "server " + srv.Hostname + " enrolled again in project " + srv.ProjectID
		c.Before = serverState{Hostname: before.Hostname, Project: before.ProjectID, OSType: before.OSType, AgentVersion: before.AgentVersion}
	}
	return s.Events.Record(ctx, q, c)
}
