package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// opaKeySecret is the secret of the OPA team's first key (as strong as config requires).
const opaKeySecret = "secret-1-0123456789-abcdefghijklmnopqrstuvw"

// opaServer runs a server whose OPA team "acme" has the admin key key-1 / opaKeySecret, and returns
// an OPA client of that key (a resource admin, through the team's admin group) with the domain
// service on the same store, for setting up what the test does not exercise.
func opaServer(t testing.TB, postgres bool) (*apptest.Server, *client.OPA, *pam.Service, string) {
	t.Helper()
	s := apptest.Start(t, apptest.Options{Postgres: postgres, Configure: func(c *config.Config) {
		c.TickInterval = time.Hour
		c.OPATeam, c.OPAKeyID, c.OPAKeySecret = "acme", "key-1", opaKeySecret
		c.OPARateLimit = 100000
	}})
	svc := &pam.Service{Store: s.App.Store(), Clock: clock.Real{}}
	team, err := svc.Team(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return s, client.NewOPA(s.URL, "acme", "key-1", opaKeySecret, client.WithHTTPClient(s.HTTP)), svc, team.ID
}

// storedProjects counts the projects of a resource group in the store.
func storedProjects(t testing.TB, st store.Store, teamID, rgID string) []store.Project {
	t.Helper()
	ps, err := st.ListProjects(context.Background(), teamID, rgID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// groupMember makes a service user in group and returns a client holding a key of it.
func groupMember(t testing.TB, s *apptest.Server, svc *pam.Service, teamID, name, group string) *client.OPA {
	t.Helper()
	ctx := context.Background()
	if _, err := svc.CreateServiceUser(ctx, teamID, name); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddMember(ctx, teamID, group, name); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateKey(ctx, teamID, name)
	if err != nil {
		t.Fatal(err)
	}
	return client.NewOPA(s.URL, "acme", key.ID, key.Secret, client.WithHTTPClient(s.HTTP))
}
