package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
)

// TestOPAProjectSettings drives the server checkout settings and password policy operations
// over HTTP on each store: defaults, full replaces, and invalid bodies refused naming the field
// with nothing stored.
func TestOPAProjectSettings(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		res := o.client("res", map[string][]string{"resources": {pam.RoleResourceAdmin}})
		rg, proj := o.rg.ID, o.project.ID

		got, err := res.GetServerCheckoutSettings(ctx, rg, proj)
		noErr(t, err)
		if !reflect.DeepEqual(got, client.CheckoutSettings{CheckoutDurationInSeconds: 900, IncludeList: []string{}, ExcludeList: []string{}}) {
			t.Fatalf("defaults %+v", got)
		}
		want := client.CheckoutSettings{CheckoutRequired: true, CheckoutDurationInSeconds: 3600,
			IncludeList: []string{}, ExcludeList: []string{"svc-b", "svc-a"}}
		noErr(t, sec.UpdateServerCheckoutSettings(ctx, rg, proj, want))
		for name, bad := range map[string]client.CheckoutSettings{
			"checkout_duration_in_seconds": {CheckoutRequired: true, CheckoutDurationInSeconds: 604801},
			"include_list":                 {CheckoutRequired: true, IncludeList: []string{"a"}, ExcludeList: []string{"b"}},
		} {
			wantStatus(t, sec.UpdateServerCheckoutSettings(ctx, rg, proj, bad), http.StatusBadRequest, name)
		}
		// The resource admin may read them but not change them (the router refuses it).
		wantStatus(t, res.UpdateServerCheckoutSettings(ctx, rg, proj, want), http.StatusUnauthorized, "")
		got, err = sec.GetServerCheckoutSettings(ctx, rg, proj)
		noErr(t, err)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}

		pol, err := res.GetServerPasswordPolicy(ctx, rg, proj)
		noErr(t, err)
		if pol.ModifiedAt != nil || pol.MinLengthInBytes < 1 || !pol.CharacterOptions.Punctuation {
			t.Fatalf("default policy %+v", pol)
		}
		set := client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24, EnablePeriodicRotation: true,
			PeriodicRotationDurationInSeconds: 86400, ManagedPrivilegedAccountsConfig: []string{"root", "admin"},
			CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, Digits: true, Punctuation: true, ExcludeCertainSymbols: []string{"\\", "\""}}}
		stored, err := res.UpdateServerPasswordPolicy(ctx, rg, proj, set)
		noErr(t, err)
		if stored.ModifiedAt == nil || stored.MinLengthInBytes != 20 || !reflect.DeepEqual(stored.ManagedPrivilegedAccountsConfig, []string{"root", "admin"}) {
			t.Fatalf("stored %+v", stored)
		}
		for field, change := range map[string]func(*client.PasswordPolicy){
			"max_length_in_bytes":                       func(p *client.PasswordPolicy) { p.MinLengthInBytes = 30 },
			"periodic_rotation_duration_in_seconds":     func(p *client.PasswordPolicy) { p.PeriodicRotationDurationInSeconds = 34560001 },
			"character_options.exclude_certain_symbols": func(p *client.PasswordPolicy) { p.CharacterOptions.Punctuation = false },
		} {
			bad := set
			bad.ManagedPrivilegedAccountsConfig = []string{"changed"}
			change(&bad)
			_, err := res.UpdateServerPasswordPolicy(ctx, rg, proj, bad)
			wantStatus(t, err, http.StatusBadRequest, field)
		}
		again, err := res.GetServerPasswordPolicy(ctx, rg, proj)
		noErr(t, err)
		if !reflect.DeepEqual(again, stored) {
			t.Fatalf("read %+v, stored %+v", again, stored)
		}

		// Another team's token never reaches this project.
		otherTeam := newOPATeam(t, o.s, "other")
		otherTeam.plain = true
		other := otherTeam.client("sec", map[string][]string{"security": {pam.RoleSecurityAdmin}})
		_, err = other.GetServerCheckoutSettings(ctx, rg, proj)
		wantStatus(t, err, http.StatusNotFound, proj)
	})
}

// TestOPARandomPasswordAndVault asks for random passwords encrypted to an EC key, decrypts
// them, and checks the team's published vault key.
func TestOPARandomPasswordAndVault(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, _ *client.OPA) {
		ctx := context.Background()
		user := o.client("ann", nil)
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		noErr(t, err)
		pubKey := jose.JSONWebKey{Key: priv}
		pub, err := json.Marshal(pubKey.Public())
		noErr(t, err)

		jwe, err := user.CreateRandomPassword(ctx, client.RandomPasswordOptions{Digits: true, UpperCase: true}, 24, pub)
		noErr(t, err)
		obj, err := jose.ParseEncryptedCompact(jwe, []jose.KeyAlgorithm{jose.ECDH_ES}, []jose.ContentEncryption{jose.A256GCM})
		noErr(t, err)
		plain, err := obj.Decrypt(priv)
		noErr(t, err)
		pw := string(plain)
		if len(pw) != 24 || strings.IndexFunc(pw, unicode.IsDigit) < 0 || strings.IndexFunc(pw, unicode.IsUpper) < 0 ||
			strings.IndexFunc(pw, func(r rune) bool { return !unicode.IsDigit(r) && !unicode.IsUpper(r) }) >= 0 {
			t.Fatalf("password %q", pw)
		}
		_, err = user.CreateRandomPassword(ctx, client.RandomPasswordOptions{}, 24, pub)
		wantStatus(t, err, http.StatusBadRequest, "character_options")
		_, err = user.CreateRandomPassword(ctx, client.RandomPasswordOptions{Digits: true}, 0, pub)
		wantStatus(t, err, http.StatusBadRequest, "num_chars")
		private, _ := json.Marshal(pubKey)
		_, err = user.CreateRandomPassword(ctx, client.RandomPasswordOptions{Digits: true}, 8, private)
		wantStatus(t, err, http.StatusBadRequest, "public_key")

		keys, err := user.VaultJWKS(ctx)
		noErr(t, err)
		if len(keys) != 1 {
			t.Fatalf("keys %s", keys)
		}
		var vk jose.JSONWebKey
		noErr(t, json.Unmarshal(keys[0], &vk))
		if !vk.IsPublic() || vk.Use != "enc" || len(vk.KeyID) != 36 {
			t.Fatalf("vault key %+v", vk)
		}
	})
}
