package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/pam"
)

// opaTeam is a team made through the domain (the principal endpoints are served elsewhere),
// with a resource group, a project, and OPA clients of service users holding chosen roles.
type opaTeam struct {
	t       *testing.T
	s       *apptest.Server
	svc     *pam.Service
	team    pam.CreatedTeam
	rg      pam.ResourceGroup
	project pam.Project
	// plain sends without spec validation, for answers the specs do not declare (a 404
	// where an operation lists none); see docs/opa.md.
	plain bool
}

func newOPATeam(t *testing.T, s *apptest.Server, name string) *opaTeam {
	t.Helper()
	ctx := context.Background()
	svc := &pam.Service{Store: s.App.Store(), Clock: clock.Real{}}
	team, err := svc.CreateTeam(ctx, pam.NewTeam{Name: name})
	noErr(t, err)
	o := &opaTeam{t: t, s: s, svc: svc, team: team}
	_, err = svc.CreateGroup(ctx, team.Team.ID, "owners", nil)
	noErr(t, err)
	owners, err := svc.Group(ctx, team.Team.ID, "owners")
	noErr(t, err)
	o.rg, err = svc.CreateResourceGroup(ctx, team.Team.ID, pam.ResourceGroupInput{Name: ptrTo("prod"),
		AdminGroups: &[]pam.GroupRef{{ID: owners.ID, Type: pam.GroupType}}})
	noErr(t, err)
	o.project, err = svc.CreateProject(ctx, team.Team.ID, o.rg.ID, pam.ProjectInput{Name: ptrTo("web")})
	noErr(t, err)
	return o
}

// client returns an OPA client of a new service user in the groups named (each made on first
// use with roles); the responses it gets are checked against the specs.
func (o *opaTeam) client(user string, groups map[string][]string) *client.OPA {
	o.t.Helper()
	ctx, id := context.Background(), o.team.Team.ID
	_, err := o.svc.CreateServiceUser(ctx, id, user)
	noErr(o.t, err)
	for g, roles := range groups {
		if _, err := o.svc.Group(ctx, id, g); err != nil {
			_, err = o.svc.CreateGroup(ctx, id, g, roles)
			noErr(o.t, err)
		}
		noErr(o.t, o.svc.AddMember(ctx, id, g, user))
	}
	key, err := o.svc.CreateKey(ctx, id, user)
	noErr(o.t, err)
	httpc := o.s.HTTP
	if o.plain {
		httpc = &http.Client{Timeout: o.s.HTTP.Timeout}
	}
	return client.NewOPA(o.s.URL, o.team.Team.Name, key.ID, key.Secret, client.WithHTTPClient(httpc))
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptrTo[T any](v T) *T { return &v }

// wantStatus fails unless err is an API error with the status whose text mentions want.
func wantStatus(t *testing.T, err error, status int, want string) {
	t.Helper()
	if client.StatusCode(err) != status {
		t.Fatalf("got %v, want status %d", err, status)
	}
	if want != "" && !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not mention %q", err, want)
	}
}

// onOPAStores runs fn, in parallel, against a fresh server on each store holding a team "acme"
// with a resource group and a project, and an OPA client of a security admin.
func onOPAStores(t *testing.T, fn func(t *testing.T, o *opaTeam, sec *client.OPA)) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			o := newOPATeam(t, start(t, db.postgres), "acme")
			fn(t, o, o.client("sec", map[string][]string{"security": {pam.RoleSecurityAdmin}}))
		})
	}
}
