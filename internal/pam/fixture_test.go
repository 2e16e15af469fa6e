package pam

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/postgres"
	"github.com/keyward/keyward/internal/store/sqlite"
	"github.com/keyward/keyward/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// fixture is a Service over a fresh store, with one team created as every team is.
type fixture struct {
	t    *testing.T
	ctx  context.Context
	svc  *Service
	team CreatedTeam
}

// onBothStores runs fn against SQLite and PostgreSQL.
func onBothStores(t *testing.T, fn func(f *fixture)) {
	open := map[string]func(t *testing.T) (store.Store, error){
		"sqlite": func(t *testing.T) (store.Store, error) { return sqlite.Open(context.Background(), ":memory:") },
		"postgres": func(t *testing.T) (store.Store, error) {
			return postgres.Open(context.Background(), storetest.PostgresURL(t), 4)
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			s, err := open[name](t)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			f := &fixture{t: t, ctx: context.Background(), svc: &Service{Store: s, Clock: clock.NewVirtual(t0)}}
			f.team = f.newTeam("acme")
			fn(f)
		})
	}
}

func (f *fixture) newTeam(name string) CreatedTeam {
	f.t.Helper()
	team, err := f.svc.CreateTeam(f.ctx, NewTeam{Name: name})
	f.must(err)
	return team
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// wantFault fails unless err is a fault of kind whose text holds want.
func (f *fixture) wantFault(err error, kind fault.Kind, want string) {
	f.t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != kind {
		f.t.Fatalf("got %v, want a fault of kind %d", err, kind)
	}
	if !strings.Contains(fe.Error(), want) {
		f.t.Fatalf("fault %q does not mention %q", fe.Error(), want)
	}
}

// serviceToken mints a token from a key as a client would.
func (f *fixture) serviceToken(team, keyID, secret string) string {
	f.t.Helper()
	tok, err := f.svc.IssueServiceToken(f.ctx, team, keyID, secret, t0, time.Hour)
	f.must(err)
	return tok.Token
}

// caller resolves a token presented to the fixture's team.
func (f *fixture) caller(token string) (Principal, error) {
	return f.svc.Caller(f.ctx, f.team.Team.ID, token, t0.Add(time.Minute))
}
