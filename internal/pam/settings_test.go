package pam

import (
	"reflect"
	"strings"
	"testing"

	"github.com/keyward/keyward/internal/fault"
)

// member creates a user in a new group holding roles and returns the user as a principal.
func (f *fixture) member(name string, roles ...string) Principal {
	f.t.Helper()
	team := f.team.Team.ID
	u, err := f.svc.CreateUser(f.ctx, team, NewUser{Name: name})
	f.must(err)
	g, err := f.svc.CreateGroup(f.ctx, team, name+"-group", roles)
	f.must(err)
	f.must(f.svc.AddMember(f.ctx, team, g.Name, u.Name))
	return Principal{TeamID: team, UserID: u.ID}
}

func (f *fixture) newProject(rgID, name string) Project {
	f.t.Helper()
	p, err := f.svc.CreateProject(f.ctx, f.team.Team.ID, rgID, ProjectInput{Name: ptr(name)})
	f.must(err)
	return p
}

func TestCheckoutSettingsInput(t *testing.T) {
	tests := []struct {
		name  string
		in    CheckoutSettingsInput
		field string // the field the first cause names; "" when valid
		want  CheckoutSettings
	}{
		{"defaults", CheckoutSettingsInput{Required: ptr(false)}, "", DefaultCheckoutSettings()},
		{"include kept in order", CheckoutSettingsInput{Required: ptr(true), DurationSeconds: ptr(3600), IncludeList: []string{"root", "admin"}, ExcludeList: []string{}}, "",
			CheckoutSettings{true, 3600, []string{"root", "admin"}, []string{}}},
		{"exclude", CheckoutSettingsInput{Required: ptr(true), ExcludeList: []string{"b", "a"}}, "", CheckoutSettings{true, 900, []string{}, []string{"b", "a"}}},
		{"bounds", CheckoutSettingsInput{Required: ptr(true), DurationSeconds: ptr(604800)}, "", CheckoutSettings{true, 604800, []string{}, []string{}}},
		{"required missing", CheckoutSettingsInput{}, "checkout_required", CheckoutSettings{}},
		{"too short", CheckoutSettingsInput{Required: ptr(true), DurationSeconds: ptr(899)}, "checkout_duration_in_seconds", CheckoutSettings{}},
		{"too long", CheckoutSettingsInput{Required: ptr(true), DurationSeconds: ptr(604801)}, "checkout_duration_in_seconds", CheckoutSettings{}},
		{"both lists", CheckoutSettingsInput{Required: ptr(true), IncludeList: []string{"a"}, ExcludeList: []string{"b"}}, "include_list", CheckoutSettings{}},
		{"empty name", CheckoutSettingsInput{Required: ptr(true), ExcludeList: []string{""}}, "exclude_list", CheckoutSettings{}},
		{"NUL name", CheckoutSettingsInput{Required: ptr(true), IncludeList: []string{"a\x00"}}, "include_list", CheckoutSettings{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, cs := tc.in.settings()
			if tc.field == "" {
				if len(cs) > 0 || !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("got %+v %q, want %+v", got, cs, tc.want)
				}
				return
			}
			if len(cs) == 0 || !strings.HasPrefix(cs[0], tc.field+":") {
				t.Fatalf("causes %q, want one naming %s", cs, tc.field)
			}
		})
	}
}

func TestCheckoutApplies(t *testing.T) {
	tests := []struct {
		s       CheckoutSettings
		account string
		want    bool
	}{
		{CheckoutSettings{Required: false, IncludeList: []string{"root"}}, "root", false},
		{CheckoutSettings{Required: true}, "root", true},
		{CheckoutSettings{Required: true, IncludeList: []string{"root"}}, "root", true},
		{CheckoutSettings{Required: true, IncludeList: []string{"root"}}, "admin", false},
		{CheckoutSettings{Required: true, ExcludeList: []string{"root"}}, "root", false},
		{CheckoutSettings{Required: true, ExcludeList: []string{"root"}}, "admin", true},
	}
	for _, tc := range tests {
		if got := tc.s.Applies(tc.account); got != tc.want {
			t.Errorf("%+v applies to %s = %v, want %v", tc.s, tc.account, got, tc.want)
		}
	}
}

func TestPasswordPolicyInput(t *testing.T) {
	valid := func(change func(*PasswordPolicyInput)) PasswordPolicyInput {
		in := PasswordPolicyInput{MinLength: ptr(12), MaxLength: ptr(20), CharacterOptions: true, Upper: true, Lower: true,
			EnablePeriodicRotation: ptr(false)}
		change(&in)
		return in
	}
	tests := []struct {
		name  string
		in    PasswordPolicyInput
		field string
	}{
		{"valid", valid(func(*PasswordPolicyInput) {}), ""},
		{"rotation", valid(func(in *PasswordPolicyInput) {
			in.EnablePeriodicRotation, in.PeriodicRotationSeconds = ptr(true), ptr(MaxRotationSeconds)
		}), ""},
		{"exclusions with punctuation", valid(func(in *PasswordPolicyInput) { in.Punctuation, in.ExcludeSymbols = true, []string{"!", "\\"} }), ""},
		{"min missing", valid(func(in *PasswordPolicyInput) { in.MinLength = nil }), "min_length_in_bytes"},
		{"options missing", valid(func(in *PasswordPolicyInput) { in.CharacterOptions = false }), "character_options"},
		{"enable missing", valid(func(in *PasswordPolicyInput) { in.EnablePeriodicRotation = nil }), "enable_periodic_rotation"},
		{"min above max", valid(func(in *PasswordPolicyInput) { in.MinLength = ptr(30) }), "max_length_in_bytes"},
		{"rotation without duration", valid(func(in *PasswordPolicyInput) { in.EnablePeriodicRotation = ptr(true) }), "periodic_rotation_duration_in_seconds"},
		{"rotation too long", valid(func(in *PasswordPolicyInput) {
			in.EnablePeriodicRotation, in.PeriodicRotationSeconds = ptr(true), ptr(MaxRotationSeconds+1)
		}), "periodic_rotation_duration_in_seconds"},
		{"exclusions without punctuation", valid(func(in *PasswordPolicyInput) { in.ExcludeSymbols = []string{"!"} }), "character_options.exclude_certain_symbols"},
		{"bad managed name", valid(func(in *PasswordPolicyInput) { in.ManagedAccounts = []string{""} }), "managed_privileged_accounts_config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, cs := tc.in.policy()
			if tc.field == "" {
				if len(cs) > 0 || got.Password.MinLength != 12 || !got.Password.RequireFromEachSet {
					t.Fatalf("got %+v %q", got, cs)
				}
				return
			}
			if len(cs) == 0 || !strings.HasPrefix(cs[0], tc.field+":") {
				t.Fatalf("causes %q, want one naming %s", cs, tc.field)
			}
		})
	}
}

func TestProjectSettingsService(t *testing.T) {
	onBothStores(t, func(f *fixture) {
		team := f.team.Team.ID
		sec := f.member("sec", RoleSecurityAdmin)
		res := f.member("res", RoleResourceAdmin)
		owners, err := f.svc.CreateGroup(f.ctx, team, "owners", nil)
		f.must(err)
		rg := f.newResourceGroup(team, "prod", owners.ID)
		elsewhere := f.newResourceGroup(team, "dev")
		proj := f.newProject(rg.ID, "web")
		other := f.newProject(elsewhere.ID, "api")
		delegate := f.member("del")
		f.must(f.svc.AddMember(f.ctx, team, "owners", "del"))

		got, err := f.svc.CheckoutSettings(f.ctx, res, rg.ID, proj.ID, ServerAccounts)
		f.must(err)
		if !reflect.DeepEqual(got, DefaultCheckoutSettings()) {
			t.Fatalf("defaults %+v", got)
		}
		want := CheckoutSettings{true, 1800, []string{"z", "a"}, []string{}}
		f.must(f.svc.SetCheckoutSettings(f.ctx, sec, rg.ID, proj.ID, ServerAccounts,
			CheckoutSettingsInput{Required: ptr(true), DurationSeconds: ptr(1800), IncludeList: []string{"z", "a"}, ExcludeList: []string{}}))
		// Invalid input stores nothing.
		err = f.svc.SetCheckoutSettings(f.ctx, sec, rg.ID, proj.ID, ServerAccounts, CheckoutSettingsInput{Required: ptr(false), DurationSeconds: ptr(1)})
		f.wantFault(err, fault.Invalid, "checkout_duration_in_seconds")
		got, err = f.svc.CheckoutSettings(f.ctx, delegate, rg.ID, proj.ID, ServerAccounts)
		f.must(err)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		// Each kind has its own document.
		ad, err := f.svc.CheckoutSettings(f.ctx, sec, rg.ID, proj.ID, ActiveDirectoryAccounts)
		f.must(err)
		if ad.Required {
			t.Fatal("server settings leaked into the AD kind")
		}
		// A delegated admin reaches only its resource groups (elsewhere: a missing role, as OPA
		// answers); an unknown project is NotFound.
		_, err = f.svc.CheckoutSettings(f.ctx, delegate, elsewhere.ID, other.ID, ServerAccounts)
		f.wantFault(err, fault.Unauthorized, "Missing capability")
		_, err = f.svc.PasswordPolicy(f.ctx, res, rg.ID, other.ID, ServerAccounts)
		f.wantFault(err, fault.NotFound, other.ID)

		pol, err := f.svc.PasswordPolicy(f.ctx, delegate, rg.ID, proj.ID, ServerAccounts)
		f.must(err)
		if !pol.ModifiedAt.IsZero() || pol.Password.MinLength != defaultMinPasswordLength {
			t.Fatalf("default policy %+v", pol)
		}
		set, err := f.svc.SetPasswordPolicy(f.ctx, res, rg.ID, proj.ID, ServerAccounts, PasswordPolicyInput{MinLength: ptr(8),
			MaxLength: ptr(8), CharacterOptions: true, Digits: true, EnablePeriodicRotation: ptr(true),
			PeriodicRotationSeconds: ptr(86400), ManagedAccounts: []string{"root"}})
		f.must(err)
		if !set.ModifiedAt.Equal(t0) {
			t.Fatalf("modified_at %v", set.ModifiedAt)
		}
		_, err = f.svc.SetPasswordPolicy(f.ctx, res, rg.ID, proj.ID, ServerAccounts, PasswordPolicyInput{MinLength: ptr(9),
			MaxLength: ptr(8), CharacterOptions: true, Digits: true, EnablePeriodicRotation: ptr(false)})
		f.wantFault(err, fault.Invalid, "max_length_in_bytes")
		back, err := f.svc.PasswordPolicy(f.ctx, res, rg.ID, proj.ID, ServerAccounts)
		f.must(err)
		if !reflect.DeepEqual(back, set) {
			t.Fatalf("read %+v, set %+v", back, set)
		}
	})
}
