package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
)

// TestOPAResourceGroupsAndProjects runs every resource-group and project operation through
// client/, as the OPA Terraform provider uses them.
func TestOPAResourceGroupsAndProjects(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, c, svc, teamID := opaServer(t, db.postgres)
			owners, err := svc.CreateGroup(ctx, teamID, "owners", nil)
			if err != nil {
				t.Fatal(err)
			}

			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "prod", Description: "production",
				DelegatedResourceAdminGroups: []client.NamedObject{{ID: owners.ID, Type: "user_group"}}})
			if err != nil {
				t.Fatal(err)
			}
			if g := rg.DelegatedResourceAdminGroups; len(g) != 1 || g[0].ID != owners.ID || g[0].Name != "owners" || g[0].Type != "user_group" {
				t.Fatalf("created with owner groups %+v", g)
			}
			if _, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "prod"}); client.StatusCode(err) != http.StatusConflict {
				t.Errorf("a second resource group named prod: %v, want 409", err)
			}
			_, err = c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "ghost",
				DelegatedResourceAdminGroups: []client.NamedObject{{ID: "00000000-0000-4000-8000-000000000000", Type: "user_group"}}})
			if client.StatusCode(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "delegated_resource_admin_groups") {
				t.Errorf("an unknown owner group: %v, want 400 naming delegated_resource_admin_groups", err)
			}
			if _, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "staging"}); err != nil {
				t.Fatal(err)
			}
			if got, err := c.ListResourceGroups(ctx, client.ListOptions{Contains: "PRO"}); err != nil || len(got) != 1 || got[0].ID != rg.ID {
				t.Errorf("contains PRO: %+v %v", got, err)
			}
			if got, err := c.ListResourceGroups(ctx, client.ListOptions{OrderBy: "id"}); err != nil || len(got) != 2 || got[0].ID > got[1].ID {
				t.Errorf("order_by id: %+v %v", got, err)
			}

			if err := c.UpdateResourceGroup(ctx, rg.ID, client.ResourceGroup{Name: "prod", Description: "live"}); err != nil {
				t.Fatal(err)
			}
			if got, err := c.GetResourceGroup(ctx, rg.ID); err != nil || got.Description != "live" || len(got.DelegatedResourceAdminGroups) != 1 {
				t.Errorf("after update: %+v %v", got, err)
			}

			p, err := c.CreateProject(ctx, rg.ID, client.ProjectInput{Name: client.Ptr("web"), ForceSharedSSHUsers: client.Ptr(true),
				SharedAdminUserName: client.Ptr("admin"), NextUnixUID: client.Ptr(2000)})
			if err != nil {
				t.Fatal(err)
			}
			if p.Team != "acme" || p.ResourceGroupID != rg.ID || p.SSHCertificateType != "CERT_TYPE_ED25519_01" ||
				*p.NextUnixUID != 2000 || *p.NextUnixGID != 63001 || p.DeletedAt != nil {
				t.Errorf("created project %+v", p)
			}

			// A PUT sending only gateway_selector keeps every other field.
			if err := c.UpdateProject(ctx, rg.ID, p.ID, client.ProjectInput{GatewaySelector: client.Ptr("REGION=EU")}); err != nil {
				t.Fatal(err)
			}
			got, err := c.GetProject(ctx, rg.ID, p.ID)
			want := p
			want.GatewaySelector = "REGION=EU"
			if err != nil || !sameProject(got, want) {
				t.Errorf("after a gateway_selector PUT: %+v %v, want %+v", got, err, want)
			}
			// "" and false set the field.
			if err := c.UpdateProject(ctx, rg.ID, p.ID, client.ProjectInput{GatewaySelector: client.Ptr(""), ForceSharedSSHUsers: client.Ptr(false)}); err != nil {
				t.Fatal(err)
			}
			if got, err := c.GetProject(ctx, rg.ID, p.ID); err != nil || got.GatewaySelector != "" || got.ForceSharedSSHUsers || got.SharedAdminUserName != "admin" {
				t.Errorf(`after a PUT of "" and false: %+v %v`, got, err)
			}
			if list, err := c.ListProjects(ctx, rg.ID, client.ListOptions{Contains: "we"}); err != nil || len(list) != 1 || list[0].ID != p.ID {
				t.Errorf("contains we: %+v %v", list, err)
			}

			if err := c.DeleteResourceGroup(ctx, rg.ID); client.StatusCode(err) != http.StatusConflict {
				t.Errorf("deleting a resource group holding a project: %v, want 409", err)
			}
			if err := c.DeleteProject(ctx, rg.ID, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetProject(ctx, rg.ID, p.ID); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("a deleted project: %v, want 404", err)
			}
			if err := c.DeleteResourceGroup(ctx, rg.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetResourceGroup(ctx, rg.ID); client.StatusCode(err) != http.StatusNotFound {
				t.Errorf("a deleted resource group: %v, want 404", err)
			}
		})
	}
}

// sameProject compares what a client reads of two projects.
func sameProject(a, b client.Project) bool {
	eqInt := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqBool := func(x, y *bool) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.ID == b.ID && a.Name == b.Name && a.Team == b.Team && a.ResourceGroupID == b.ResourceGroupID &&
		eqBool(a.CreateServerUsers, b.CreateServerUsers) && a.ForceSharedSSHUsers == b.ForceSharedSSHUsers &&
		a.GatewaySelector == b.GatewaySelector && eqInt(a.NextUnixGID, b.NextUnixGID) && eqInt(a.NextUnixUID, b.NextUnixUID) &&
		eqBool(a.PersistentServerUserAccounts, b.PersistentServerUserAccounts) &&
		eqBool(a.RequirePreauthForCreds, b.RequirePreauthForCreds) && a.ServerAccountManagement == b.ServerAccountManagement &&
		a.SharedAdminUserName == b.SharedAdminUserName && a.SharedStandardUserName == b.SharedStandardUserName &&
		a.SSHCertificateType == b.SSHCertificateType
}
