package pam

import (
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/store"
)

func ptr[T any](v T) *T { return &v }

func TestProjectInputCheck(t *testing.T) {
	long := strings.Repeat("a", 256)
	tests := []struct {
		name     string
		in       ProjectInput
		creating bool
		want     string // a cause must start with this; "" for none
	}{
		{"minimal create", ProjectInput{Name: ptr("web-1.prod_x")}, true, ""},
		{"create needs a name", ProjectInput{}, true, "name: is required"},
		{"update needs no name", ProjectInput{GatewaySelector: ptr("A=b")}, false, ""},
		{"name with a space", ProjectInput{Name: ptr("web 1")}, true, "name: may hold only"},
		{"name with a slash", ProjectInput{Name: ptr("a/b")}, false, "name: may hold only"},
		{"name of 255", ProjectInput{Name: ptr(long[:255])}, true, ""},
		{"name of 256", ProjectInput{Name: ptr(long)}, true, "name: must be at most 255"},
		{"empty name on update", ProjectInput{Name: ptr("")}, false, "name: is required"},
		{"uid 99", ProjectInput{NextUnixUID: ptr(99)}, false, "next_unix_uid: must be between 100 and 65535"},
		{"uid 100", ProjectInput{NextUnixUID: ptr(100)}, false, ""},
		{"uid 65535", ProjectInput{NextUnixUID: ptr(65535)}, false, ""},
		{"gid 65536", ProjectInput{NextUnixGID: ptr(65536)}, false, "next_unix_gid: must be between"},
		{"known certificate type", ProjectInput{SSHCertificateType: ptr("CERT_TYPE_RSA_SHA2_512_01")}, false, ""},
		{"unknown certificate type", ProjectInput{SSHCertificateType: ptr("CERT_TYPE_DSA")}, false, "ssh_certificate_type: must be one of"},
		{"empty certificate type", ProjectInput{SSHCertificateType: ptr("")}, false, "ssh_certificate_type"},
		{"gateway selector", ProjectInput{GatewaySelector: ptr("REGION=WEST-EU,TEAM=MARKETING")}, false, ""},
		{"gateway selector cleared", ProjectInput{GatewaySelector: ptr("")}, false, ""},
		{"gateway selector without value", ProjectInput{GatewaySelector: ptr("REGION")}, false, "gateway_selector:"},
		{"gateway selector trailing comma", ProjectInput{GatewaySelector: ptr("A=b,")}, false, "gateway_selector:"},
		{"gateway selector with NUL", ProjectInput{GatewaySelector: ptr("A=b\x00")}, false, "gateway_selector:"},
		{"shared user name with NUL", ProjectInput{SharedAdminUserName: ptr("a\x00")}, false, "shared_admin_user_name:"},
		{"shared user name invalid UTF-8", ProjectInput{SharedStandardUserName: ptr("\xff")}, false, "shared_standard_user_name:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.check(tc.creating)
			if tc.want == "" {
				if len(got) > 0 {
					t.Fatalf("causes %q, want none", got)
				}
				return
			}
			if len(got) == 0 || !strings.HasPrefix(got[0], tc.want) {
				t.Fatalf("causes %q, want one starting %q", got, tc.want)
			}
		})
	}
}

func TestProjectInputMerges(t *testing.T) {
	stored := store.Project{ID: "p", Name: "web", SSHCertificateType: "CERT_TYPE_RSA_01", NextUnixUID: 1000, NextUnixGID: 2000,
		GatewaySelector: "A=b", CreateServerUsers: true, ForceSharedSSHUsers: true, PersistentServerUserAccounts: ptr(true),
		RequirePreauthForCreds: true, ServerAccountManagement: true, SharedAdminUserName: "Server.Admin",
		SharedStandardUserName: "Server.User"}
	tests := []struct {
		name   string
		in     ProjectInput
		change func(p *store.Project)
	}{
		{"nothing sent keeps everything", ProjectInput{}, func(*store.Project) {}},
		{"only gateway_selector", ProjectInput{GatewaySelector: ptr("REGION=EU")}, func(p *store.Project) { p.GatewaySelector = "REGION=EU" }},
		{"empty string clears", ProjectInput{GatewaySelector: ptr(""), SharedAdminUserName: ptr("")}, func(p *store.Project) {
			p.GatewaySelector, p.SharedAdminUserName = "", ""
		}},
		{"false is set", ProjectInput{CreateServerUsers: ptr(false), RequirePreauthForCreds: ptr(false), PersistentServerUserAccounts: ptr(false)},
			func(p *store.Project) {
				p.CreateServerUsers, p.RequirePreauthForCreds, p.PersistentServerUserAccounts = false, false, ptr(false)
			}},
		{"numbers and enum", ProjectInput{NextUnixUID: ptr(100), NextUnixGID: ptr(65535), SSHCertificateType: ptr("CERT_TYPE_ED25519_01")},
			func(p *store.Project) {
				p.NextUnixUID, p.NextUnixGID, p.SSHCertificateType = 100, 65535, "CERT_TYPE_ED25519_01"
			}},
		{"rename", ProjectInput{Name: ptr("api")}, func(p *store.Project) { p.Name = "api" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := stored
			want.PersistentServerUserAccounts = ptr(*stored.PersistentServerUserAccounts)
			tc.change(&want)
			if got := tc.in.apply(stored); !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %+v\nwant %+v", got, want)
			}
			if !*stored.PersistentServerUserAccounts {
				t.Fatal("apply changed the stored project's pointer target")
			}
		})
	}
}

func TestNewProjectDefaults(t *testing.T) {
	p := ProjectInput{Name: ptr("web")}.apply(newProject())
	if p.SSHCertificateType != "CERT_TYPE_ED25519_01" || p.NextUnixUID != 60001 || p.NextUnixGID != 63001 ||
		p.CreateServerUsers || p.ForceSharedSSHUsers || p.RequirePreauthForCreds || p.ServerAccountManagement ||
		p.PersistentServerUserAccounts != nil || p.UserOnDemandPeriod == nil || *p.UserOnDemandPeriod != 0 {
		t.Fatalf("defaults %+v", p)
	}
}

func TestCheckRoles(t *testing.T) {
	tests := []struct {
		in       []string
		allowed  []string
		want     []string
		bad      int
		badNames string
	}{
		{[]string{"resource_admin", "pam_admin", "resource_admin"}, groupCreateRoles, []string{"pam_admin", "resource_admin"}, 0, ""},
		{[]string{"end_user"}, groupCreateRoles, []string{}, 1, `"end_user"`},
		{[]string{"end_user"}, groupUpdateRoles, []string{"end_user"}, 0, ""},
		{[]string{"delegated_resource_admin", "root"}, groupUpdateRoles, []string{}, 2, `"root"`},
		{nil, groupCreateRoles, []string{}, 0, ""},
	}
	for _, tc := range tests {
		got, bad := checkRoles(tc.in, tc.allowed)
		if !reflect.DeepEqual(got, tc.want) || len(bad) != tc.bad || (tc.badNames != "" && !strings.Contains(strings.Join(bad, ";"), tc.badNames)) {
			t.Errorf("checkRoles(%v) = %v, %q", tc.in, got, bad)
		}
		for _, c := range bad {
			if !strings.HasPrefix(c, "roles: ") {
				t.Errorf("cause %q does not name the field", c)
			}
		}
	}
}

func TestNewUserCheck(t *testing.T) {
	tests := []struct {
		in   NewUser
		want string
	}{
		{NewUser{Name: "Jason.Compson.IV", Email: "jason.compson@example.com", FirstName: "Jason", LastName: "Compson"}, ""},
		{NewUser{Name: "OPA User"}, ""},
		{NewUser{Name: " "}, "name: is required"},
		{NewUser{Name: "a\tb"}, "name: must not hold control characters"},
		{NewUser{Name: strings.Repeat("é", 255)}, ""},
		{NewUser{Name: strings.Repeat("é", 256)}, "name: must be at most 255"},
		{NewUser{Name: "x", Email: "not an email"}, "email:"},
		{NewUser{Name: "x", Status: "SUSPENDED"}, "status: must be one of"},
		{NewUser{Name: "x", Status: "DELETED"}, ""},
		{NewUser{Name: "x", FirstName: "\x00"}, "first_name:"},
	}
	for _, tc := range tests {
		got := tc.in.check()
		if (tc.want == "") != (len(got) == 0) || (tc.want != "" && !strings.HasPrefix(got[0], tc.want)) {
			t.Errorf("%+v: causes %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestResourceGroupInputCheck(t *testing.T) {
	groups := []GroupRef{{ID: "g1", Type: "user_group"}, {ID: "g2"}}
	tests := []struct {
		name     string
		in       ResourceGroupInput
		creating bool
		want     string
	}{
		{"create", ResourceGroupInput{Name: ptr("prod"), Description: ptr("Production"), AdminGroups: &groups}, true, ""},
		{"create needs a name", ResourceGroupInput{}, true, "name: is required"},
		{"update without name", ResourceGroupInput{Description: ptr("")}, false, ""},
		{"bad name", ResourceGroupInput{Name: ptr("prod env")}, false, "name:"},
		{"wrong group type", ResourceGroupInput{AdminGroups: &[]GroupRef{{ID: "g1", Type: "user"}}}, false, "delegated_resource_admin_groups: type"},
		{"group without id", ResourceGroupInput{AdminGroups: &[]GroupRef{{Type: "user_group"}}}, false, "delegated_resource_admin_groups: every group"},
		{"description with NUL", ResourceGroupInput{Description: ptr("\x00")}, false, "description:"},
	}
	for _, tc := range tests {
		got := tc.in.check(tc.creating)
		if (tc.want == "") != (len(got) == 0) || (tc.want != "" && !strings.HasPrefix(got[0], tc.want)) {
			t.Errorf("%s: causes %q, want %q", tc.name, got, tc.want)
		}
	}
}
