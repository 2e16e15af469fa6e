package store

import (
	"context"
	"time"
)

// Checkout states of a shared account (see pam/checkout.go for the machine).
const (
	CheckoutAvailable      = "available"
	CheckoutCheckedOut     = "checked_out"
	CheckoutPendingCheckin = "pending_checkin"
)

// Checkout is the lending state and the credential of one shared account, whatever its kind
// (ResourceType: server_account_password_login today; the AD, UD and SaaS kinds share the row).
// Passwords are sealed by the domain (AES-256-GCM) before they reach the store. Version guards
// every update, so two processes acting on one account cannot both win.
type Checkout struct {
	AccountID       string
	ResourceType    string
	TeamID          string
	ResourceGroupID string
	ProjectID       string
	State           string
	UserID          string // who has it checked out; kept through the pending check-in
	CheckoutAt      time.Time
	ExpiresAt       time.Time
	CheckinType     string
	CheckinBy       string
	CheckinStartAt  time.Time
	Password        string // sealed, base64; "" until a rotation set one
	PendingPassword string // sealed, base64; the rotation the agent has not confirmed yet
	InstructionID   string // the rotation instruction awaiting the agent's report
	RotationFails   int    // consecutive failed rotations, for back-off
	SuccessAt       time.Time
	ErrorAt         time.Time
	ErrorType       string
	Version         int
}

// CheckoutFilter narrows a checkout list; empty fields do not filter.
type CheckoutFilter struct {
	ProjectID    string
	UserID       string
	ResourceType string
	// ResourceTypes, when not nil, keeps the checkouts of these types only.
	ResourceTypes []string
	States        []string
}

// Checkouts are the shared accounts' lending states.
type Checkouts interface {
	// CreateCheckout stores an account's first state; ErrConflict if it has one.
	CreateCheckout(ctx context.Context, c Checkout) error
	GetCheckout(ctx context.Context, teamID, accountID string) (Checkout, error)
	// GetAccountCheckout finds an account's state in any team (background work knows only the id).
	GetAccountCheckout(ctx context.Context, accountID string) (Checkout, error)
	// UpdateCheckout replaces the state if its Version is still the stored one and bumps it;
	// ErrStale otherwise.
	UpdateCheckout(ctx context.Context, c Checkout) error
	// ListCheckouts pages a team's states by account id.
	ListCheckouts(ctx context.Context, teamID string, f CheckoutFilter, p Page) ([]Checkout, error)
	// ListCheckoutRotations returns what the rotations of some of a team's accounts left, by
	// account id, for those that have a state: the columns an account list shows, without the
	// sealed passwords and the lending state.
	ListCheckoutRotations(ctx context.Context, teamID string, accountIDs []string) ([]CheckoutRotation, error)
}

// CheckoutRotation is the rotation outcome of an account's state (Checkout's SuccessAt, ErrorAt
// and ErrorType).
type CheckoutRotation struct {
	AccountID string
	SuccessAt time.Time
	ErrorAt   time.Time
	ErrorType string
}
