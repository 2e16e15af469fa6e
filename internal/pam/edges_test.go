package pam

import (
	"testing"
	"time"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// Input PostgreSQL cannot store (NUL bytes, invalid UTF-8) names nothing, or is invalid: never a
// database error.
func TestUnstorableInput(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		rg := f.newResourceGroup(team, "prod")
		for _, bad := range []string{"a\x00b", "\xff"} {
			_, err := f.svc.User(f.ctx, team, bad)
			f.wantFault(err, fault.NotFound, "")
			_, err = f.svc.Group(f.ctx, team, bad)
			f.wantFault(err, fault.NotFound, "")
			f.wantFault(f.svc.AddMember(f.ctx, team, "keyward-admins", bad), fault.NotFound, "")
			_, err = f.svc.UpdateServiceUser(f.ctx, Principal{TeamID: team}, bad, "", "DISABLED")
			f.wantFault(err, fault.NotFound, "")
			f.wantFault(f.svc.DeleteKey(f.ctx, team, "keyward-admin", bad), fault.NotFound, "")
			_, err = f.svc.ResourceGroup(f.ctx, team, bad)
			f.wantFault(err, fault.NotFound, "")
			_, err = f.svc.CreateProject(f.ctx, team, bad, ProjectInput{Name: ptr("x")})
			f.wantFault(err, fault.NotFound, "")
			_, err = f.svc.Project(f.ctx, team, rg.ID, bad)
			f.wantFault(err, fault.NotFound, "")
			_, err = f.svc.CreateResourceGroup(f.ctx, team, ResourceGroupInput{Name: ptr("x"), AdminGroups: &[]GroupRef{{ID: bad}}})
			f.wantFault(err, fault.Invalid, "delegated_resource_admin_groups")
			_, err = f.svc.CreateGroup(f.ctx, team, bad, nil)
			f.wantFault(err, fault.Invalid, "name:")
			_, err = f.svc.ListProjects(f.ctx, team, rg.ID, store.Page{Contains: bad})
			f.wantFault(err, fault.Invalid, "contains:")
			_, err = f.svc.ListGroups(f.ctx, team, store.Page{After: bad})
			f.wantFault(err, fault.Invalid, "offset:")
			_, err = f.svc.IssueServiceToken(f.ctx, "acme", bad, "s", t0, time.Hour)
			f.wantFault(err, fault.Unauthorized, "")
			_, err = f.caller(bad)
			f.wantFault(err, fault.Unauthorized, "")
		}
	})
}
