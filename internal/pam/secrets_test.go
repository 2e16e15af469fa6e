package pam

import (
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// TestSecretFolderBrowsing: a user granted one folder deep in a tree browses to it, sees only
// the way there (even when asking for other ids), and lists all of it; the team's admin makes
// top-level folders, a user without the role may not.
func TestSecretFolderBrowsing(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		teamID := f.team.Team.ID
		admin := Principal{TeamID: teamID, UserID: f.team.ServiceUser.ID}
		name := "prod"
		rg, err := f.svc.CreateResourceGroup(f.ctx, teamID, ResourceGroupInput{Name: &name})
		f.must(err)
		proj := "web"
		p, err := f.svc.CreateProject(f.ctx, teamID, rg.ID, ProjectInput{Name: &proj})
		f.must(err)
		u, err := f.svc.CreateServiceUser(f.ctx, teamID, "ann")
		f.must(err)
		g, err := f.svc.CreateGroup(f.ctx, teamID, "dba", nil)
		f.must(err)
		f.must(f.svc.AddMember(f.ctx, teamID, g.Name, u.Name))
		ann := Principal{TeamID: teamID, UserID: u.ID}

		_, err = f.svc.CreateSecretFolder(f.ctx, ann, rg.ID, p.ID, SecretFolderInput{Name: "ops"})
		f.wantFault(err, fault.Forbidden, "resource admin")
		folder := func(name, parent string) SecretItem {
			f.t.Helper()
			it, err := f.svc.CreateSecretFolder(f.ctx, admin, rg.ID, p.ID, SecretFolderInput{Name: name, ParentID: parent})
			f.must(err)
			return it
		}
		ops := folder("ops", "")
		folder("dev", "")
		_, err = f.svc.CreateSecurityPolicy(f.ctx, admin, PolicyInput{Policy: SecurityPolicy{Name: "admins", Active: true,
			ResourceGroupID: rg.ID, Rules: []PolicyRule{secretRule("folder_create", "secret_folder:"+ops.ID)}},
			GroupIDs: []string{f.team.AdminGroup.ID}})
		f.must(err)
		db, web := folder("db", ops.ID), folder("web", ops.ID)
		folder("replicas", db.ID)
		_, err = f.svc.CreateSecurityPolicy(f.ctx, admin, PolicyInput{Policy: SecurityPolicy{Name: "dba", Active: true,
			ResourceGroupID: rg.ID, Rules: []PolicyRule{secretRule("list folder_update", "secret_folder:"+db.ID)}}, GroupIDs: []string{g.ID}})
		f.must(err)

		names := func(items []SecretItem, err error) string {
			f.t.Helper()
			f.must(err)
			out := make([]string, len(items))
			for i, it := range items {
				out[i] = it.Name
			}
			return strings.Join(out, ",")
		}
		for _, c := range []struct {
			folder string
			page   store.Page
			want   string
		}{
			{ops.ID, store.Page{}, "db"},                    // only the way to db
			{ops.ID, store.Page{IDs: []string{web.ID}}, ""}, // asking for more shows no more
			{ops.ID, store.Page{IDs: []string{db.ID, web.ID}}, "db"},
			{db.ID, store.Page{}, "replicas"}, // list on db: everything in it
		} {
			if got := names(f.svc.ListSecretFolderItems(f.ctx, ann, rg.ID, p.ID, c.folder, c.page)); got != c.want {
				f.t.Errorf("items of %s %+v = %q, want %q", c.folder, c.page, got, c.want)
			}
		}
		if got := names(f.svc.ListTopLevelSecretFolders(f.ctx, ann, rg.ID, p.ID)); got != "ops" {
			f.t.Errorf("top-level %q", got)
		}
		_, err = f.svc.SecretFolder(f.ctx, ann, rg.ID, p.ID, web.ID)
		f.wantFault(err, fault.Forbidden, "")
		_, err = f.svc.UpdateSecretFolder(f.ctx, ann, rg.ID, p.ID, ops.ID, SecretFolderInput{Name: "renamed"})
		f.wantFault(err, fault.Forbidden, "folder_update")
		renamed, err := f.svc.UpdateSecretFolder(f.ctx, ann, rg.ID, p.ID, db.ID, SecretFolderInput{Name: "databases"})
		f.must(err)
		if renamed.Name != "databases" || renamed.UpdatedBy != "ann" || len(renamed.Path) != 1 || renamed.Path[0].ID != ops.ID {
			f.t.Errorf("renamed %+v", renamed)
		}
	})
}
