package e2e

import (
	"context"
	"net/http"
	"testing"

	"github.com/keyward/keyward/client"
)

// TestOPADelegatedResourceAdmin checks what a member of a resource group's owner group may do
// through client/: see and manage that resource group and its projects only, without seeing or
// changing its owner groups; and that leaving the group takes effect on the next request.
func TestOPADelegatedResourceAdmin(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, admin, svc, teamID := opaServer(t, db.postgres)
			owners, err := svc.CreateGroup(ctx, teamID, "owners", nil)
			if err != nil {
				t.Fatal(err)
			}
			deputy := groupMember(t, s, svc, teamID, "deputy", "owners")
			mine, err := admin.CreateResourceGroup(ctx, client.ResourceGroup{Name: "mine",
				DelegatedResourceAdminGroups: []client.NamedObject{{ID: owners.ID, Type: "user_group"}}})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := admin.CreateResourceGroup(ctx, client.ResourceGroup{Name: "theirs"})
			if err != nil {
				t.Fatal(err)
			}

			if got, err := deputy.ListResourceGroups(ctx, client.ListOptions{}); err != nil || len(got) != 1 || got[0].ID != mine.ID {
				t.Errorf("the deputy lists %+v %v, want its resource group alone", got, err)
			}
			if got, err := deputy.GetResourceGroup(ctx, mine.ID); err != nil || got.DelegatedResourceAdminGroups != nil {
				t.Errorf("the deputy reads %+v %v, want no owner groups", got, err)
			}
			if err := deputy.UpdateResourceGroup(ctx, mine.ID, client.ResourceGroup{Name: "mine", Description: "ours"}); err != nil {
				t.Errorf("the deputy updates its resource group: %v", err)
			}
			err = deputy.UpdateResourceGroup(ctx, mine.ID, client.ResourceGroup{Name: "mine",
				DelegatedResourceAdminGroups: []client.NamedObject{{ID: owners.ID, Type: "user_group"}}})
			if client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("the deputy sends owner groups: %v, want 401", err)
			}
			if _, err := deputy.CreateProject(ctx, mine.ID, client.ProjectInput{Name: client.Ptr("web")}); err != nil {
				t.Errorf("the deputy creates a project in its resource group: %v", err)
			}
			if _, err := deputy.CreateProject(ctx, theirs.ID, client.ProjectInput{Name: client.Ptr("web")}); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("the deputy creates a project elsewhere: %v, want 401", err)
			}
			if err := deputy.DeleteResourceGroup(ctx, mine.ID); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("the deputy deletes its resource group: %v, want 401 (resource admins only)", err)
			}

			if err := svc.RemoveMember(ctx, teamID, "owners", "deputy"); err != nil {
				t.Fatal(err)
			}
			if _, err := deputy.ListProjects(ctx, mine.ID, client.ListOptions{}); client.StatusCode(err) != http.StatusUnauthorized {
				t.Errorf("after leaving the owner group: %v, want 401", err)
			}
		})
	}
}
