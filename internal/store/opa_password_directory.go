package store

import (
	"context"
	"time"
)

// DirectoryPassword is keyward's record of an account's current password in the system that
// holds the account, for the kinds of account no agent rotates (Active Directory, Universal
// Directory, SaaS apps): keyward stands in for that system. Password is sealed by the domain
// (AES-256-GCM) before it reaches the store. The counters are the account's password changes.
type DirectoryPassword struct {
	AccountID    string
	TeamID       string
	ResourceType string
	Password     string
	ChangedAt    time.Time
	Successes    int
	Failures     int
}

// PasswordDirectory is the directory of current passwords and its failure switch.
type PasswordDirectory interface {
	// PutDirectoryPassword creates or replaces an account's record.
	PutDirectoryPassword(ctx context.Context, d DirectoryPassword) error
	GetDirectoryPassword(ctx context.Context, teamID, accountID string) (DirectoryPassword, error)
	// SetDirectoryFailure makes every password change of the team's directory accounts fail
	// with message; "" lets them succeed again.
	SetDirectoryFailure(ctx context.Context, teamID, message string) error
	// DirectoryFailure is the message set, "" when changes succeed.
	DirectoryFailure(ctx context.Context, teamID string) (string, error)
}
