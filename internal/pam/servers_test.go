package pam

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/store"
)

// newServerProject is a project with account discovery on, and a ref to it.
func (f *fixture) newServerProject() ProjectRef {
	f.t.Helper()
	f.svc.EnrollmentKey = []byte("test enrollment key")
	rg := f.newResourceGroup(f.team.Team.ID, "prod")
	p, err := f.svc.CreateProject(f.ctx, f.team.Team.ID, rg.ID, ProjectInput{Name: ptr("web"), ServerAccountManagement: ptr(true)})
	f.must(err)
	return ProjectRef{TeamID: f.team.Team.ID, TeamName: "acme", ResourceGroupID: rg.ID, ProjectID: p.ID}
}

func (f *fixture) logins(ref ProjectRef, serverID string) string {
	f.t.Helper()
	as, err := f.svc.ListServerServerAccounts(f.ctx, ref, serverID, store.Page{})
	f.must(err)
	var out []string
	for _, a := range as {
		out = append(out, a.Login)
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}

func TestEnrollmentTokens(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		ref := f.newServerProject()
		tok, err := f.svc.CreateEnrollmentToken(f.ctx, ref, "admin", "for the web fleet")
		f.must(err)
		raw, err := base64.StdEncoding.DecodeString(tok.Token)
		f.must(err)
		var doc enrollmentDoc
		f.must(json.Unmarshal(raw, &doc))
		if doc.Team != "acme" || doc.ProjectID != ref.ProjectID || doc.ID != tok.ID || len(doc.Secret) < 40 || tok.CreatedByUser != "admin" {
			f.t.Fatalf("token %+v, document %+v", tok, doc)
		}
		again, err := f.svc.EnrollmentToken(f.ctx, ref, tok.ID)
		f.must(err)
		if again.Token != tok.Token || strings.Contains(again.SecretHash, doc.Secret) {
			f.t.Fatalf("read back %q, created %q", again.Token, tok.Token)
		}
		_, err = f.svc.CreateEnrollmentToken(f.ctx, ref, "admin", strings.Repeat("é", 513))
		f.wantFault(err, fault.Invalid, "description: must be at most 512")
		_, err = f.svc.CreateEnrollmentToken(f.ctx, ProjectRef{TeamID: ref.TeamID, ResourceGroupID: ref.ResourceGroupID, ProjectID: "nope"}, "admin", "x")
		f.wantFault(err, fault.NotFound, "nope")
		if l, err := f.svc.ListEnrollmentTokens(f.ctx, ref, store.Page{}); err != nil || len(l) != 1 {
			f.t.Fatalf("list %+v %v", l, err)
		}
	})
}

func TestEnrollHeartbeatAndInstructions(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		ref := f.newServerProject()
		tok, err := f.svc.CreateEnrollmentToken(f.ctx, ref, "admin", "fleet")
		f.must(err)
		_, err = f.svc.Enroll(f.ctx, "garbage", Enrollment{Hostname: "h1", OSType: "linux"})
		f.wantFault(err, fault.Unauthorized, "enrollment token")
		_, err = f.svc.Enroll(f.ctx, tok.Token, Enrollment{Hostname: "h1", OSType: "plan9"})
		f.wantFault(err, fault.Invalid, "os_type")

		first, err := f.svc.Enroll(f.ctx, tok.Token, Enrollment{Hostname: "h1", OSType: "linux", Accounts: []string{"root", "app"}})
		f.must(err)
		if got := f.logins(ref, first.ServerID); got != "app,root" {
			f.t.Fatalf("accounts after enroll: %s", got)
		}
		again, err := f.svc.Enroll(f.ctx, tok.Token, Enrollment{Hostname: "h1", OSType: "linux", Accounts: []string{"root"}})
		f.must(err)
		if again.ServerID != first.ServerID || again.Credential == first.Credential {
			f.t.Fatalf("re-enrolled %+v after %+v", again, first)
		}
		_, err = f.svc.Heartbeat(f.ctx, first.Credential, Beat{})
		f.wantFault(err, fault.Unauthorized, "credential")
		if got := f.logins(ref, first.ServerID); got != "root" {
			f.t.Fatalf("accounts after re-enroll: %s", got)
		}

		in, err := f.svc.QueueServerInstruction(f.ctx, first.ServerID, "rotate_password", json.RawMessage(`{"login":"root"}`))
		f.must(err)
		got, err := f.svc.Heartbeat(f.ctx, again.Credential, Beat{Accounts: []string{"root", "backup"}})
		f.must(err)
		if len(got) != 1 || got[0].ID != in.ID || got[0].Payload != `{"login":"root"}` {
			f.t.Fatalf("instructions %+v", got)
		}
		if got, err := f.svc.Heartbeat(f.ctx, again.Credential, Beat{Accounts: []string{"root", "backup"}}); err != nil || len(got) != 0 {
			f.t.Fatalf("handed out again: %+v %v", got, err)
		}
		f.must(f.svc.ReportInstructionResult(f.ctx, again.Credential, in.ID, InstructionResult{Succeeded: true}))
		f.wantFault(f.svc.ReportInstructionResult(f.ctx, again.Credential, in.ID, InstructionResult{}), fault.NotFound, in.ID)
		if got := f.logins(ref, first.ServerID); got != "backup,root" {
			f.t.Fatalf("accounts after heartbeat: %s", got)
		}

		// Staleness follows the clock; a heartbeat makes the server active again.
		p, err := f.svc.Project(f.ctx, ref.TeamID, ref.ResourceGroupID, ref.ProjectID)
		f.must(err)
		if p.ActiveResourceCount != 1 || p.StaleResourceCount != 0 {
			f.t.Fatalf("counts %d/%d", p.ActiveResourceCount, p.StaleResourceCount)
		}
		f.svc.Clock.(*clock.Virtual).Advance(DefaultServerStaleAfter + time.Second)
		p, err = f.svc.Project(f.ctx, ref.TeamID, ref.ResourceGroupID, ref.ProjectID)
		f.must(err)
		if p.ActiveResourceCount != 0 || p.StaleResourceCount != 1 {
			f.t.Fatalf("counts after silence %d/%d", p.ActiveResourceCount, p.StaleResourceCount)
		}

		f.must(f.svc.DeleteEnrollmentToken(f.ctx, ref, tok.ID))
		_, err = f.svc.Enroll(f.ctx, tok.Token, Enrollment{Hostname: "h2", OSType: "linux"})
		f.wantFault(err, fault.Unauthorized, "enrollment token")
		if _, err := f.svc.Heartbeat(f.ctx, again.Credential, Beat{}); err != nil {
			f.t.Fatalf("a deleted token unenrolled its server: %v", err)
		}
		f.must(f.svc.DeleteProjectServer(f.ctx, ref, first.ServerID))
		_, err = f.svc.Heartbeat(f.ctx, again.Credential, Beat{})
		f.wantFault(err, fault.Unauthorized, "credential")
	})
}
