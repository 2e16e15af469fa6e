package seed

import (
	"context"
	"database/sql"

	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/store"
)

// txStore is a store bound to one open transaction: its InTx runs fn in that transaction. The
// domain services, given it, make their changes in the caller's transaction, so that a whole
// load commits or rolls back as one.
type txStore struct {
	store.Queries
	outer store.Store
}

func (t txStore) InTx(_ context.Context, fn func(q store.Queries) error) error { return fn(t.Queries) }
func (t txStore) Ping(ctx context.Context) error                               { return t.outer.Ping(ctx) }
func (t txStore) Stats() sql.DBStats                                           { return t.outer.Stats() }
func (t txStore) Close() error                                                 { return nil }
func (t txStore) Dialect() string                                              { return t.outer.Dialect() }

// inTx runs fn with a copy of the service whose store and domain services work inside one
// transaction of s.Store.
func (s *Service) inTx(ctx context.Context, fn func(tx *Service) error) error {
	return s.Store.InTx(ctx, func(q store.Queries) error {
		st := txStore{Queries: q, outer: s.Store}
		pools, teams := *s.Pools, *s.PAM
		pools.Store, teams.Store = st, st
		tx := *s
		// The credentials service holds a cache of verified tokens: a load only creates service
		// apps through it, which needs nothing but the store.
		tx.Store, tx.Pools, tx.PAM, tx.Auth = st, &pools, &teams, &auth.Service{Store: st}
		return fn(&tx)
	})
}

var _ store.Store = txStore{}
