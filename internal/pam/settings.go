package pam

import (
	"fmt"
	"slices"
	"time"

	"github.com/keyward/keyward/internal/pam/password"
)

// AccountKind is a kind of account a project holds. Each kind has its own checkout settings and
// password policy, of one shape: the handlers serve all of them through one pair of methods
// parameterised by the kind.
type AccountKind string

// The account kinds of OPA's project settings operations.
const (
	ServerAccounts             AccountKind = "server"
	ActiveDirectoryAccounts    AccountKind = "active_directory"
	UniversalDirectoryAccounts AccountKind = "okta_universal_directory"
	SaaSAppAccounts            AccountKind = "saas_app"
)

// Checkout and rotation bounds (the spec's, and OPA's 400-day rotation maximum).
const (
	MinCheckoutSeconds         = 900
	MaxCheckoutSeconds         = 604800
	MinRotationSeconds         = 900
	MaxRotationSeconds         = 34560000
	DefaultCheckoutSeconds     = 900
	maxSettingsListLen         = 1000
	settingsCheckout           = "checkout"
	settingsPassword           = "password"
	defaultMinPasswordLength   = 16
	defaultMaxPasswordLength   = 32
	passwordSettingsRotateName = "periodic_rotation_duration_in_seconds"
)

// CheckoutSettings say which accounts of a kind in a project must be checked out before use,
// and for how long. Include and exclude lists keep the order they were sent in.
type CheckoutSettings struct {
	Required        bool     `json:"checkout_required"`
	DurationSeconds int      `json:"checkout_duration_in_seconds"`
	IncludeList     []string `json:"include_list"`
	ExcludeList     []string `json:"exclude_list"`
}

// DefaultCheckoutSettings are a project's before any PUT (and what Terraform resets them to).
func DefaultCheckoutSettings() CheckoutSettings {
	return CheckoutSettings{DurationSeconds: DefaultCheckoutSeconds, IncludeList: []string{}, ExcludeList: []string{}}
}

// Applies reports whether an account of this name must be checked out: checkout is required and
// the account is in the include list (when there is one) and not in the exclude list.
func (c CheckoutSettings) Applies(accountName string) bool {
	switch {
	case !c.Required:
		return false
	case len(c.IncludeList) > 0:
		return slices.Contains(c.IncludeList, accountName)
	default:
		return !slices.Contains(c.ExcludeList, accountName)
	}
}

// CheckoutSettingsInput is a PUT body: nil is "not sent". The PUT replaces everything, so a
// duration not sent is the default and a list not sent is empty.
type CheckoutSettingsInput struct {
	Required        *bool
	DurationSeconds *int
	IncludeList     []string
	ExcludeList     []string
}

// settings validates the input and returns the settings it sets, or the causes naming fields.
func (in CheckoutSettingsInput) settings() (CheckoutSettings, []string) {
	out := DefaultCheckoutSettings()
	var cs []string
	if in.Required == nil {
		cs = append(cs, "checkout_required: is required")
	} else {
		out.Required = *in.Required
	}
	if in.DurationSeconds != nil {
		out.DurationSeconds = *in.DurationSeconds
		cs = append(cs, checkRange("checkout_duration_in_seconds", out.DurationSeconds, MinCheckoutSeconds, MaxCheckoutSeconds))
	}
	// Clients send the list they do not use as []: only two non-empty lists conflict.
	if len(in.IncludeList) > 0 && len(in.ExcludeList) > 0 {
		cs = append(cs, "include_list: cannot be given with a non-empty exclude_list (they are mutually exclusive)")
	}
	cs = append(cs, checkNames("include_list", in.IncludeList), checkNames("exclude_list", in.ExcludeList))
	if in.IncludeList != nil {
		out.IncludeList = in.IncludeList
	}
	if in.ExcludeList != nil {
		out.ExcludeList = in.ExcludeList
	}
	return out, causes(cs...)
}

// PasswordPolicy is how passwords of a kind of account in a project are generated and rotated.
// ManagedAccounts are the names of the accounts keyward manages (server accounts only).
type PasswordPolicy struct {
	Password                password.Policy `json:"password"`
	EnablePeriodicRotation  bool            `json:"enable_periodic_rotation"`
	PeriodicRotationSeconds int             `json:"periodic_rotation_duration_in_seconds"`
	ManagedAccounts         []string        `json:"managed_privileged_accounts_config"`
	ModifiedAt              time.Time       `json:"-"` // kept in the store's column
}

// DefaultPasswordPolicy is a project's before any PUT: every character set, one of each,
// 16 to 32 bytes, no periodic rotation.
func DefaultPasswordPolicy() PasswordPolicy {
	return PasswordPolicy{Password: password.Policy{MinLength: defaultMinPasswordLength, MaxLength: defaultMaxPasswordLength,
		Upper: true, Lower: true, Digits: true, Punctuation: true, ExcludeSymbols: []string{}, RequireFromEachSet: true},
		ManagedAccounts: []string{}}
}

// PasswordPolicyInput is a PUT body (a full replace): nil is "not sent".
type PasswordPolicyInput struct {
	MinLength, MaxLength              *int
	CharacterOptions                  bool // the character_options object was sent
	Upper, Lower, Digits, Punctuation bool
	ExcludeSymbols                    []string
	RequireFromEachSet                *bool // keyward's extension; one of each set unless false
	EnablePeriodicRotation            *bool
	PeriodicRotationSeconds           *int
	ManagedAccounts                   []string
}

// policy validates the input and returns the policy it sets, or the causes naming fields.
func (in PasswordPolicyInput) policy() (PasswordPolicy, []string) {
	var cs []string
	for _, req := range []struct {
		sent bool
		name string
	}{{in.MinLength != nil, "min_length_in_bytes"}, {in.MaxLength != nil, "max_length_in_bytes"},
		{in.CharacterOptions, "character_options"}, {in.EnablePeriodicRotation != nil, "enable_periodic_rotation"}} {
		if !req.sent {
			cs = append(cs, req.name+": is required")
		}
	}
	if len(cs) > 0 {
		return PasswordPolicy{}, cs
	}
	out := PasswordPolicy{Password: password.Policy{MinLength: *in.MinLength, MaxLength: *in.MaxLength, Upper: in.Upper,
		Lower: in.Lower, Digits: in.Digits, Punctuation: in.Punctuation, ExcludeSymbols: orEmpty(in.ExcludeSymbols),
		RequireFromEachSet: in.RequireFromEachSet == nil || *in.RequireFromEachSet},
		EnablePeriodicRotation: *in.EnablePeriodicRotation, ManagedAccounts: orEmpty(in.ManagedAccounts)}
	cs = append(cs, out.Password.Check()...)
	switch {
	case in.PeriodicRotationSeconds != nil:
		out.PeriodicRotationSeconds = *in.PeriodicRotationSeconds
		cs = append(cs, checkRange(passwordSettingsRotateName, out.PeriodicRotationSeconds, MinRotationSeconds, MaxRotationSeconds))
	case out.EnablePeriodicRotation:
		cs = append(cs, passwordSettingsRotateName+": is required when enable_periodic_rotation is true")
	}
	cs = append(cs, checkNames("managed_privileged_accounts_config", in.ManagedAccounts))
	return out, causes(cs...)
}

func checkRange(field string, v, lo, hi int) string {
	if v < lo || v > hi {
		return fmt.Sprintf("%s: must be between %d and %d", field, lo, hi)
	}
	return ""
}

// checkNames is the cause against a list of account names, or "".
func checkNames(field string, names []string) string {
	if len(names) > maxSettingsListLen {
		return fmt.Sprintf("%s: must hold at most %d names", field, maxSettingsListLen)
	}
	for _, n := range names {
		if n == "" || len(n) > maxName {
			return field + ": names must be 1 to 255 characters"
		}
		if c := checkText(field, n); c != "" {
			return c
		}
	}
	return ""
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
