package opa

import (
	"context"
	"net/http"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// projectPath is the prefix of a project's paths.
const projectPath = team + "/resource_groups/{resource_group_id}/projects/{project_id}"

// checkoutSettings is ResourceCheckoutSettings. On input a nil field was not sent.
type checkoutSettings struct {
	CheckoutRequired          *bool    `json:"checkout_required"`
	CheckoutDurationInSeconds *int     `json:"checkout_duration_in_seconds"`
	IncludeList               []string `json:"include_list"`
	ExcludeList               []string `json:"exclude_list"`
}

func checkoutSettingsOf(s pam.CheckoutSettings) checkoutSettings {
	return checkoutSettings{CheckoutRequired: &s.Required, CheckoutDurationInSeconds: &s.DurationSeconds,
		IncludeList: s.IncludeList, ExcludeList: s.ExcludeList}
}

// fetchCheckoutSettings serves the Fetch…CheckoutSettings operation of one account kind.
func (h *Handlers) fetchCheckoutSettings(kind pam.AccountKind) wire.Handler {
	return getProjectDocument(h, kind, h.PAM.CheckoutSettings, checkoutSettingsOf)
}

// getProjectDocument serves a GET of one of a project's settings documents of one account
// kind: read by the domain for the caller, shown as view makes it.
func getProjectDocument[T, W any](h *Handlers, kind pam.AccountKind,
	read func(context.Context, pam.Principal, string, string, pam.AccountKind) (T, error), view func(T) W) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principalOf(r)
		doc, err := read(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"), kind)
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, view(doc))
		return nil
	}
}

// updateCheckoutSettings serves the Update…CheckoutSettings operation of one account kind:
// a full replace answered with 204.
func (h *Handlers) updateCheckoutSettings(kind pam.AccountKind) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principalOf(r)
		if err := h.PAM.CheckoutSettingsWriterOf(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
			return err // refused whatever the body
		}
		var in checkoutSettings
		if err := wire.Decode(r, &in); err != nil {
			return err
		}
		err := h.PAM.SetCheckoutSettings(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"), kind,
			pam.CheckoutSettingsInput{Required: in.CheckoutRequired, DurationSeconds: in.CheckoutDurationInSeconds,
				IncludeList: in.IncludeList, ExcludeList: in.ExcludeList})
		if err != nil {
			return err
		}
		wire.NoContent(w)
		return nil
	}
}

// characterOptions is PasswordPolicy.character_options, with keyward's require_from_each_set.
type characterOptions struct {
	UpperCase             bool     `json:"upper_case"`
	LowerCase             bool     `json:"lower_case"`
	Digits                bool     `json:"digits"`
	Punctuation           bool     `json:"punctuation"`
	ExcludeCertainSymbols []string `json:"exclude_certain_symbols"`
	RequireFromEachSet    *bool    `json:"require_from_each_set,omitempty"`
}

// passwordPolicy is PasswordPolicy. On input a nil field was not sent.
type passwordPolicy struct {
	CharacterOptions                  *characterOptions `json:"character_options"`
	EnablePeriodicRotation            *bool             `json:"enable_periodic_rotation"`
	ManagedPrivilegedAccountsConfig   []string          `json:"managed_privileged_accounts_config"`
	MaxLengthInBytes                  *int              `json:"max_length_in_bytes"`
	MinLengthInBytes                  *int              `json:"min_length_in_bytes"`
	ModifiedAt                        string            `json:"modified_at,omitempty"`
	PeriodicRotationDurationInSeconds *int              `json:"periodic_rotation_duration_in_seconds,omitempty"`
}

func passwordPolicyOf(p pam.PasswordPolicy) passwordPolicy {
	pw := p.Password
	out := passwordPolicy{CharacterOptions: &characterOptions{UpperCase: pw.Upper, LowerCase: pw.Lower, Digits: pw.Digits,
		Punctuation: pw.Punctuation, ExcludeCertainSymbols: pw.ExcludeSymbols, RequireFromEachSet: &pw.RequireFromEachSet},
		EnablePeriodicRotation: &p.EnablePeriodicRotation, ManagedPrivilegedAccountsConfig: p.ManagedAccounts,
		MaxLengthInBytes: &pw.MaxLength, MinLengthInBytes: &pw.MinLength}
	if p.PeriodicRotationSeconds != 0 {
		out.PeriodicRotationDurationInSeconds = &p.PeriodicRotationSeconds
	}
	if !p.ModifiedAt.IsZero() {
		out.ModifiedAt = p.ModifiedAt.UTC().Format(time.RFC3339Nano)
	}
	return out
}

func (in passwordPolicy) input() pam.PasswordPolicyInput {
	out := pam.PasswordPolicyInput{MinLength: in.MinLengthInBytes, MaxLength: in.MaxLengthInBytes,
		EnablePeriodicRotation: in.EnablePeriodicRotation, PeriodicRotationSeconds: in.PeriodicRotationDurationInSeconds,
		ManagedAccounts: in.ManagedPrivilegedAccountsConfig}
	if c := in.CharacterOptions; c != nil {
		out.CharacterOptions, out.Upper, out.Lower, out.Digits, out.Punctuation = true, c.UpperCase, c.LowerCase, c.Digits, c.Punctuation
		out.ExcludeSymbols, out.RequireFromEachSet = c.ExcludeCertainSymbols, c.RequireFromEachSet
	}
	return out
}

// getPasswordPolicy serves the Get…PasswordPolicy operation of one account kind.
func (h *Handlers) getPasswordPolicy(kind pam.AccountKind) wire.Handler {
	return getProjectDocument(h, kind, h.PAM.PasswordPolicy, passwordPolicyOf)
}

// updatePasswordPolicy serves the Update…PasswordPolicy operation of one account kind: a full
// replace answered with 200 and the policy.
func (h *Handlers) updatePasswordPolicy(kind pam.AccountKind) wire.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principalOf(r)
		if err := h.PAM.PasswordPolicyWriterOf(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id")); err != nil {
			return err // refused whatever the body
		}
		var in passwordPolicy
		if err := wire.Decode(r, &in); err != nil {
			return err
		}
		pol, err := h.PAM.SetPasswordPolicy(r.Context(), p, r.PathValue("resource_group_id"), r.PathValue("project_id"), kind, in.input())
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, passwordPolicyOf(pol))
		return nil
	}
}
