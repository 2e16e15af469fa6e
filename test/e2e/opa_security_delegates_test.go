package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/keyward/keyward/client"
)

// TestOPADelegatedSecurityAdmin checks, through client/, what a member of a resource group's
// delegated security admin group may do: manage that resource group's security policies and
// checkout settings and list its servers, and nothing of another resource group (401, as a
// missing role); that an owner group does not make its members security admins; and that
// leaving the group takes effect on the next request.
func TestOPADelegatedSecurityAdmin(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, admin, svc, teamID := opaServer(t, db.postgres)
			for _, g := range []string{"sec-delegates", "owners"} {
				if _, err := svc.CreateGroup(ctx, teamID, g, nil); err != nil {
					t.Fatal(err)
				}
			}
			guard, owner := groupMember(t, s, svc, teamID, "guard", "sec-delegates"), groupMember(t, s, svc, teamID, "owner", "owners")
			owners, err := svc.Group(ctx, teamID, "owners")
			if err != nil {
				t.Fatal(err)
			}
			mine, err := admin.CreateResourceGroup(ctx, client.ResourceGroup{Name: "mine",
				DelegatedResourceAdminGroups: []client.NamedObject{{ID: owners.ID, Type: "user_group"}}})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := admin.CreateResourceGroup(ctx, client.ResourceGroup{Name: "theirs"})
			if err != nil {
				t.Fatal(err)
			}
			project, err := admin.CreateProject(ctx, mine.ID, client.ProjectInput{Name: client.Ptr("web")})
			if err != nil {
				t.Fatal(err)
			}
			other, err := admin.CreateProject(ctx, theirs.ID, client.ProjectInput{Name: client.Ptr("web")})
			if err != nil {
				t.Fatal(err)
			}
			policy := func(rgID string) client.SecurityPolicy {
				return client.SecurityPolicy{Name: "p-" + rgID, Active: true, ResourceGroup: &client.NamedObject{ID: rgID},
					Principals: client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{}}, Rules: []client.SecurityPolicyRule{}}
			}
			settings := client.CheckoutSettings{CheckoutRequired: true, CheckoutDurationInSeconds: 1800, IncludeList: []string{}, ExcludeList: []string{}}

			// Before any assignment, the guard holds no delegated role at all.
			if _, err := guard.CreateSecurityPolicy(ctx, policy(mine.ID)); client.StatusCode(err) != http.StatusUnauthorized {
				t.Fatalf("before the assignment: %v, want 401", err)
			}
			groups, err := s.Client.SetSecurityAdminGroups(ctx, "acme", mine.ID, []string{"sec-delegates"})
			if err != nil || len(groups) != 1 || groups[0].Name != "sec-delegates" {
				t.Fatalf("assign: %+v %v", groups, err)
			}
			if _, err := s.Client.SetSecurityAdminGroups(ctx, "acme", mine.ID, []string{"nobody"}); client.StatusCode(err) != http.StatusBadRequest {
				t.Errorf("an unknown group: %v, want 400", err)
			}

			created, err := guard.CreateSecurityPolicy(ctx, policy(mine.ID))
			if err != nil {
				t.Fatalf("the guard creates a policy in its resource group: %v", err)
			}
			if _, err := guard.GetSecurityPolicy(ctx, created.ID); err != nil {
				t.Errorf("the guard reads it: %v", err)
			}
			if err := guard.UpdateServerCheckoutSettings(ctx, mine.ID, project.ID, settings); err != nil {
				t.Errorf("the guard sets checkout settings: %v", err)
			}
			if _, err := guard.ListResourceGroupServers(ctx, mine.ID, client.ServerFilter{}); err != nil {
				t.Errorf("the guard lists its servers: %v", err)
			}
			if _, err := guard.ListProjectCheckedOutResources(ctx, mine.ID, project.ID, client.CheckoutQuery{}); err != nil {
				t.Errorf("the guard lists checkouts: %v", err)
			}
			// A human member, signed in with a minted token, holds the role as well.
			if _, err := s.Client.CreateTeamUser(ctx, "acme", client.TeamUser{Name: "hugo", Email: "hugo@example.com"}); err != nil {
				t.Fatal(err)
			}
			if err := svc.AddMember(ctx, teamID, "sec-delegates", "hugo"); err != nil {
				t.Fatal(err)
			}
			ut, err := s.Client.MintUserToken(ctx, "acme", "hugo")
			if err != nil {
				t.Fatal(err)
			}
			hugo := client.NewOPAWithToken(s.URL, "acme", ut.BearerToken, client.WithHTTPClient(s.HTTP))
			if _, err := hugo.ListResourceGroupServerAccounts(ctx, mine.ID); err != nil {
				t.Errorf("a human delegated security admin lists its accounts: %v", err)
			}
			if _, err := hugo.ListResourceGroupServerAccounts(ctx, theirs.ID); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("a human delegated security admin elsewhere: %v, want 401", err)
			}

			// Elsewhere: 401, as without the role.
			theirPolicy, err := admin.CreateSecurityPolicy(ctx, policy(theirs.ID))
			if err != nil {
				t.Fatal(err)
			}
			for what, err := range map[string]error{
				"create a policy": func() error { _, err := guard.CreateSecurityPolicy(ctx, policy(theirs.ID)); return err }(),
				"read a policy":   func() error { _, err := guard.GetSecurityPolicy(ctx, theirPolicy.ID); return err }(),
				"delete a policy": guard.DeleteSecurityPolicy(ctx, theirPolicy.ID),
				"set checkout":    guard.UpdateServerCheckoutSettings(ctx, theirs.ID, other.ID, settings),
				"list servers": func() error {
					_, err := guard.ListResourceGroupServers(ctx, theirs.ID, client.ServerFilter{})
					return err
				}(),
				"list all policies": func() error { _, err := guard.ListSecurityPolicies(ctx, client.ListOptions{}); return err }(),
				"move a policy":     guard.UpdateSecurityPolicy(ctx, created.ID, policy(theirs.ID)),
			} {
				if client.StatusCode(err) != http.StatusUnauthorized {
					t.Errorf("the guard may %s elsewhere: %v, want 401", what, err)
				}
			}
			// An owner administers resources, not policies.
			if _, err := owner.GetSecurityPolicy(ctx, created.ID); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("an owner reads a policy: %v, want 401", err)
			}
			if err := owner.UpdateServerCheckoutSettings(ctx, mine.ID, project.ID, settings); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("an owner sets checkout settings: %v, want 401", err)
			}

			if _, err := s.Client.SetSecurityAdminGroups(ctx, "acme", mine.ID, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := guard.GetSecurityPolicy(ctx, created.ID); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("after the assignment ended: %v, want 401", err)
			}
		})
	}
}
