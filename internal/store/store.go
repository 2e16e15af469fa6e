package store

import (
	"context"
	"database/sql"
	"errors"
)

// Sentinel errors; backends wrap them with context using %w.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: already exists")
	ErrStale    = errors.New("store: changed concurrently")
)

// Store is an open database.
type Store interface {
	Queries
	// InTx runs fn in one transaction, retrying it on serialization failures.
	InTx(ctx context.Context, fn func(q Queries) error) error
	Ping(ctx context.Context) error
	Stats() sql.DBStats
	Close() error
	// Dialect names the backend: "sqlite" or "postgres".
	Dialect() string
}

// Queries is every aggregate's operations, bound to the database or to one transaction.
type Queries interface {
	Orgs
	Teams
	Credentials
	Pools
	Agents
	PoolUpdates
	Releases
	Leases
	Events
	Claims
	OPAPrincipals
	OPAProjects
	OPAServers
	OPAPolicies
	OPADirectories
	OPAServiceAccounts
	Checkouts
	PasswordDirectory
	OPASecrets
	Resets
}
