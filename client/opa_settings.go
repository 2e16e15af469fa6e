package client

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// CheckoutSettings are a project's checkout settings for one kind of account (the spec's
// ResourceCheckoutSettings). Send the list not used as empty: the two are mutually exclusive.
type CheckoutSettings struct {
	CheckoutRequired          bool     `json:"checkout_required"`
	CheckoutDurationInSeconds int      `json:"checkout_duration_in_seconds,omitempty"`
	IncludeList               []string `json:"include_list"`
	ExcludeList               []string `json:"exclude_list"`
}

// PasswordPolicy is a project's password policy for server accounts (the spec's
// PasswordPolicy). ModifiedAt is set by the server.
type PasswordPolicy struct {
	CharacterOptions                  PasswordCharacterOptions `json:"character_options"`
	EnablePeriodicRotation            bool                     `json:"enable_periodic_rotation"`
	ManagedPrivilegedAccountsConfig   []string                 `json:"managed_privileged_accounts_config,omitempty"`
	MaxLengthInBytes                  int                      `json:"max_length_in_bytes"`
	MinLengthInBytes                  int                      `json:"min_length_in_bytes"`
	ModifiedAt                        *time.Time               `json:"modified_at,omitempty"`
	PeriodicRotationDurationInSeconds int                      `json:"periodic_rotation_duration_in_seconds,omitempty"`
}

// PasswordCharacterOptions are the character sets a password policy allows. RequireFromEachSet
// is keyward's: nil or true means at least one character of every allowed set.
type PasswordCharacterOptions struct {
	UpperCase             bool     `json:"upper_case"`
	LowerCase             bool     `json:"lower_case"`
	Digits                bool     `json:"digits"`
	Punctuation           bool     `json:"punctuation"`
	ExcludeCertainSymbols []string `json:"exclude_certain_symbols,omitempty"`
	RequireFromEachSet    *bool    `json:"require_from_each_set,omitempty"`
}

// RandomPasswordOptions are the character sets of POST /random_password.
type RandomPasswordOptions struct {
	Digits            bool `json:"digits"`
	LowerCase         bool `json:"lower_case"`
	SpecialCharacters bool `json:"special_characters"`
	UpperCase         bool `json:"upper_case"`
}

// GetServerCheckoutSettings is GET …/projects/{project_id}/server_checkout_settings.
func (o *OPA) GetServerCheckoutSettings(ctx context.Context, rgID, projectID string) (CheckoutSettings, error) {
	var out CheckoutSettings
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "resource_groups", rgID, "projects", projectID, "server_checkout_settings"), nil, &out)
	return out, err
}

// UpdateServerCheckoutSettings is PUT …/server_checkout_settings: a full replace.
func (o *OPA) UpdateServerCheckoutSettings(ctx context.Context, rgID, projectID string, s CheckoutSettings) error {
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "resource_groups", rgID, "projects", projectID, "server_checkout_settings"), s, nil)
	return err
}

// GetServerPasswordPolicy is GET …/projects/{project_id}/server_password_settings.
func (o *OPA) GetServerPasswordPolicy(ctx context.Context, rgID, projectID string) (PasswordPolicy, error) {
	var out PasswordPolicy
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "resource_groups", rgID, "projects", projectID, "server_password_settings"), nil, &out)
	return out, err
}

// UpdateServerPasswordPolicy is PUT …/server_password_settings: a full replace; it returns the
// policy as stored.
func (o *OPA) UpdateServerPasswordPolicy(ctx context.Context, rgID, projectID string, p PasswordPolicy) (PasswordPolicy, error) {
	var out PasswordPolicy
	_, err := o.call(ctx, http.MethodPut, o.url(nil, "resource_groups", rgID, "projects", projectID, "server_password_settings"), p, &out)
	return out, err
}

// CreateRandomPassword is POST /random_password: a password of numChars with at least one
// character of each set asked for, as a compact JWE encrypted to publicKey (a public JWK).
func (o *OPA) CreateRandomPassword(ctx context.Context, opts RandomPasswordOptions, numChars int, publicKey json.RawMessage) (string, error) {
	in := struct {
		CharacterOptions RandomPasswordOptions `json:"character_options"`
		NumChars         int                   `json:"num_chars"`
		PublicKey        json.RawMessage       `json:"public_key"`
	}{opts, numChars, publicKey}
	var out struct {
		PasswordJWE string `json:"password_jwe"`
	}
	_, err := o.call(ctx, http.MethodPost, o.url(nil, "random_password"), in, &out)
	return out.PasswordJWE, err
}

// VaultJWKS is GET /vault/jwks.json: the team's vault public keys, each a JWK as sent.
func (o *OPA) VaultJWKS(ctx context.Context) ([]json.RawMessage, error) {
	var out struct {
		Keys []json.RawMessage `json:"keys"`
	}
	_, err := o.call(ctx, http.MethodGet, o.url(nil, "vault", "jwks.json"), nil, &out)
	return out.Keys, err
}
