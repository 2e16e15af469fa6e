package opa

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam/password"
	"github.com/keyward/keyward/internal/vault"
)

// getVaultJWKS publishes the team's vault public keys.
func (h *Handlers) getVaultJWKS(w http.ResponseWriter, r *http.Request) error {
	set, err := h.Vault.JWKS(wire.PrincipalFrom(r).TeamID)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, set)
	return nil
}

type randomPasswordRequest struct {
	CharacterOptions *struct {
		Digits            bool `json:"digits"`
		LowerCase         bool `json:"lower_case"`
		SpecialCharacters bool `json:"special_characters"`
		UpperCase         bool `json:"upper_case"`
	} `json:"character_options"`
	NumChars  *int            `json:"num_chars"`
	PublicKey json.RawMessage `json:"public_key"`
}

// createRandomPassword generates a password of num_chars holding at least one character of
// each set asked for, and answers it encrypted to the caller's public key: it is never sent in
// the clear.
func (h *Handlers) createRandomPassword(w http.ResponseWriter, r *http.Request) error {
	var in randomPasswordRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	var missing []fault.Cause
	for _, req := range []struct {
		sent bool
		name string
	}{{in.CharacterOptions != nil, "character_options"}, {in.NumChars != nil, "num_chars"}, {len(in.PublicKey) > 0 && string(in.PublicKey) != "null", "public_key"}} {
		if !req.sent {
			missing = append(missing, fault.Required(req.name, req.name+": is required"))
		}
	}
	if len(missing) > 0 {
		return fault.InvalidFields(missing...)
	}
	c := in.CharacterOptions
	pol := password.Policy{MinLength: *in.NumChars, MaxLength: *in.NumChars, Upper: c.UpperCase, Lower: c.LowerCase,
		Digits: c.Digits, Punctuation: c.SpecialCharacters, RequireFromEachSet: true}
	if cs := pol.Check(); len(cs) > 0 {
		return fault.Invalidf("RandomPasswordCreateRequest", randomPasswordCauses(cs)...)
	}
	seal, err := passwordSealer(in.PublicKey, "RandomPasswordCreateRequest")
	if err != nil {
		return err
	}
	pw, err := password.Generate(pol)
	if err != nil {
		return err
	}
	return seal(w, pw)
}

// passwordSealer checks a request's public JWK (a 400 on public_key in the operation's what) and
// returns the function answering {"password_jwe"}: a password encrypted to that key, never sent
// in the clear.
func passwordSealer(jwk json.RawMessage, what string) (func(w http.ResponseWriter, pw string) error, error) {
	key, alg, err := vault.ParsePublicKey(jwk)
	if err != nil {
		return nil, fault.Invalidf(what, "public_key: "+strings.TrimPrefix(err.Error(), "vault: "))
	}
	return func(w http.ResponseWriter, pw string) error {
		jwe, err := vault.Encrypt(key, alg, []byte(pw))
		if err != nil {
			return err
		}
		wire.JSON(w, http.StatusOK, struct {
			PasswordJWE string `json:"password_jwe"`
		}{jwe})
		return nil
	}, nil
}

// randomPasswordCauses words the policy's causes in this operation's fields.
func randomPasswordCauses(cs []string) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		f := fault.ParseCause(c)
		switch f.Field {
		case "min_length_in_bytes", "max_length_in_bytes":
			c = "num_chars: must be between 1 and 1024, and at least the number of character sets asked for"
		case "character_options":
			c = "character_options: must ask for at least one of upper_case, lower_case, digits and special_characters"
		}
		out[i] = c
	}
	return slices.Compact(out)
}
