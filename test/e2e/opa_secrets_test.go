package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/vault"
)

// sealForVault encrypts key/value pairs to the team's published vault key, as an OPA client does.
func sealForVault(t *testing.T, c *client.OPA, kv map[string]string) string {
	t.Helper()
	keys, err := c.VaultJWKS(context.Background())
	noErr(t, err)
	var vk jose.JSONWebKey
	noErr(t, json.Unmarshal(keys[0], &vk))
	plain, err := json.Marshal(kv)
	noErr(t, err)
	jwe, err := vault.Encrypt(vk, jose.ECDH_ES, plain)
	noErr(t, err)
	return jwe
}

// revealed reveals a secret to a fresh EC key and decrypts its pairs.
func revealed(t *testing.T, c *client.OPA, rg, proj, id string) (client.SecretItem, map[string]string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	noErr(t, err)
	pub, err := json.Marshal(jose.JSONWebKey{Key: priv.Public()})
	noErr(t, err)
	s, err := c.RevealSecret(context.Background(), rg, proj, id, pub)
	noErr(t, err)
	plain, err := vault.Decrypt(s.SecretJWE, priv)
	noErr(t, err)
	var kv map[string]string
	noErr(t, json.Unmarshal(plain, &kv))
	return s, kv
}

func entryNames(l []client.SecretListEntry) string {
	names := make([]string, len(l))
	for i, e := range l {
		names[i] = e.Name + ":" + e.Type
	}
	return strings.Join(names, ",")
}

func pathNames(p []client.SecretPath) string {
	names := make([]string, len(p))
	for i, e := range p {
		names[i] = e.Name
	}
	return strings.Join(names, "/")
}

// TestOPASecrets: a resource admin makes a top-level folder, a security policy lets writers
// manage everything in it and a reader reveal one secret; values go in and out only as JWEs and
// are sealed at rest; each caller sees and does only what its policies grant.
func TestOPASecrets(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		rg, proj := o.rg.ID, o.project.ID
		res := o.client("res", map[string][]string{"resources": {pam.RoleResourceAdmin}})
		writer := o.client("wes", map[string][]string{"writers": nil})
		reader := o.client("rita", map[string][]string{"readers": nil})
		nobody := o.client("ned", nil)

		_, err := writer.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "ops"})
		wantStatus(t, err, http.StatusForbidden, "resource admin")
		desc := "operations"
		ops, err := res.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "ops", Description: &desc})
		noErr(t, err)
		if ops.Name != "ops" || *ops.Description != desc || len(ops.Path) != 0 || ops.CreatedBy != "res" {
			t.Fatalf("folder %+v", ops)
		}
		_, err = writer.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "db", ParentFolderID: ops.ID})
		wantStatus(t, err, http.StatusForbidden, "folder_create")

		groupID := func(name string) string {
			g, err := o.svc.Group(ctx, o.team.Team.ID, name)
			noErr(t, err)
			return g.ID
		}
		_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "writers", Active: true,
			Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: groupID("writers")}}},
			ResourceGroup: &client.NamedObject{ID: rg},
			Rules: []client.SecurityPolicyRule{{Name: "ops", ResourceType: "secret_based_resource",
				ResourceSelector: client.SecretSelector(client.SelectSecretFolder(ops.ID)),
				Privileges: []client.SecurityPolicyPrivilege{client.GrantSecret("list", "folder_create", "folder_update",
					"folder_delete", "secret_create", "secret_update", "secret_reveal", "secret_delete")}}}})
		noErr(t, err)

		db, err := writer.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "db", ParentFolderID: ops.ID})
		noErr(t, err)
		if pathNames(db.Path) != "ops" || db.Description != nil || db.CreatedBy != "wes" {
			t.Fatalf("nested folder %+v", db)
		}
		root, err := writer.CreateSecret(ctx, rg, proj, client.SecretInput{Name: "root", ParentFolderID: db.ID,
			SecretJWE: sealForVault(t, writer, map[string]string{"username": "root", "password": "first-Pa55"})})
		noErr(t, err)
		if pathNames(root.Path) != "ops/db" || root.SecretJWE != "" || root.CreatedBy != "wes" {
			t.Fatalf("secret %+v", root)
		}
		_, err = writer.CreateSecret(ctx, rg, proj, client.SecretInput{Name: "app", ParentFolderID: db.ID,
			SecretJWE: sealForVault(t, writer, map[string]string{"token": "app-token"})})
		noErr(t, err)
		_, err = writer.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "web", ParentFolderID: ops.ID})
		noErr(t, err)

		// At rest the value is sealed: the store holds neither the password nor the pairs' JSON.
		stored, err := o.s.App.Store().GetSecretItem(ctx, o.team.Team.ID, proj, root.ID)
		noErr(t, err)
		if stored.Value == "" || strings.Contains(stored.Value, "first-Pa55") || strings.Contains(stored.Value, "username") {
			t.Fatalf("value stored as %q", stored.Value)
		}

		_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "readers", Active: true,
			Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: groupID("readers")}}},
			ResourceGroup: &client.NamedObject{ID: rg},
			Rules: []client.SecurityPolicyRule{{Name: "root", ResourceType: "secret_based_resource",
				ResourceSelector: client.SecretSelector(client.SelectSecret(root.ID)),
				Privileges:       []client.SecurityPolicyPrivilege{client.GrantSecret("secret_reveal")}}}})
		noErr(t, err)

		// The writer lists everything; the reader browses only the way to its one secret.
		items, err := writer.ListSecretFolderItems(ctx, rg, proj, ops.ID, client.ListOptions{})
		noErr(t, err)
		if entryNames(items) != "db:folder,web:folder" || items[0].Project.ID != proj || items[0].ResourceGroup.ID != rg ||
			pathNames(items[0].Path) != "ops" {
			t.Fatalf("writer lists %+v", items)
		}
		// Paged one by one (following the Link headers), and backwards.
		for opts, want := range map[client.ListOptions]string{
			{Count: 1}:                   "db:folder,web:folder",
			{Count: 1, Descending: true}: "web:folder,db:folder",
			{Contains: "WE"}:             "web:folder",
		} {
			items, err := writer.ListSecretFolderItems(ctx, rg, proj, ops.ID, opts)
			noErr(t, err)
			if entryNames(items) != want {
				t.Fatalf("%+v lists %s, want %s", opts, entryNames(items), want)
			}
		}
		for _, c := range []*client.OPA{writer, reader} {
			top, err := c.ListTopLevelSecretFolders(ctx, rg, proj)
			noErr(t, err)
			if entryNames(top) != "ops:folder" || top[0].Project.Name != "web" {
				t.Fatalf("top-level %+v", top)
			}
		}
		items, err = reader.ListSecretFolderItems(ctx, rg, proj, ops.ID, client.ListOptions{})
		noErr(t, err)
		if entryNames(items) != "db:folder" {
			t.Fatalf("reader lists %s in ops", entryNames(items))
		}
		items, err = reader.ListSecretFolderItems(ctx, rg, proj, db.ID, client.ListOptions{})
		noErr(t, err)
		if entryNames(items) != "root:key_value_secret" {
			t.Fatalf("reader lists %s in db", entryNames(items))
		}
		got, kv := revealed(t, reader, rg, proj, root.ID)
		if kv["password"] != "first-Pa55" || kv["username"] != "root" || got.ID != root.ID || pathNames(got.Path) != "ops/db" {
			t.Fatalf("revealed %+v %v", got, kv)
		}
		status, body := call(t, o.s, "GET", "/keyward/v1/events?type=secret.revealed", nil)
		if status != http.StatusOK || !strings.Contains(string(body), "secret/"+root.ID) || !strings.Contains(string(body), "revealed to rita") ||
			strings.Contains(string(body), "first-Pa55") {
			t.Fatalf("events %d %s", status, body)
		}
		g, err := reader.GetSecret(ctx, rg, proj, root.ID)
		noErr(t, err)
		if g.Name != "root" || g.SecretJWE != "" {
			t.Fatalf("get %+v", g)
		}
		_, err = reader.UpdateSecret(ctx, rg, proj, root.ID, client.SecretInput{Name: "root", ParentFolderID: db.ID,
			SecretJWE: sealForVault(t, reader, map[string]string{"password": "x"})})
		wantStatus(t, err, http.StatusForbidden, "secret_update")
		wantStatus(t, reader.DeleteSecret(ctx, rg, proj, root.ID), http.StatusForbidden, "secret_delete")
		_, err = reader.GetSecretFolder(ctx, rg, proj, db.ID) // on the way to its secret
		noErr(t, err)

		top, err := nobody.ListTopLevelSecretFolders(ctx, rg, proj)
		noErr(t, err)
		if len(top) != 0 {
			t.Fatalf("nobody sees %+v", top)
		}
		_, err = nobody.GetSecretFolder(ctx, rg, proj, ops.ID)
		wantStatus(t, err, http.StatusForbidden, "")
		_, err = nobody.ListSecretFolderItems(ctx, rg, proj, ops.ID, client.ListOptions{})
		wantStatus(t, err, http.StatusForbidden, "list")
		_, err = nobody.GetSecret(ctx, rg, proj, root.ID)
		wantStatus(t, err, http.StatusForbidden, "")

		// Updates: a new value, a rename and a move; the reader reveals the new value.
		moved, err := writer.UpdateSecret(ctx, rg, proj, root.ID, client.SecretInput{Name: "admin", ParentFolderID: ops.ID,
			Description: &desc, SecretJWE: sealForVault(t, writer, map[string]string{"password": "second-Pa55"})})
		noErr(t, err)
		if moved.Name != "admin" || pathNames(moved.Path) != "ops" || *moved.Description != desc {
			t.Fatalf("moved %+v", moved)
		}
		if _, kv := revealed(t, reader, rg, proj, root.ID); len(kv) != 1 || kv["password"] != "second-Pa55" {
			t.Fatalf("revealed after update %v", kv)
		}
		renamed, err := writer.UpdateSecretFolder(ctx, rg, proj, db.ID, client.SecretFolderInput{Name: "databases"})
		noErr(t, err)
		if renamed.Name != "databases" || renamed.UpdatedBy != "wes" {
			t.Fatalf("renamed %+v", renamed)
		}

		// Deleting: a folder still holding items stays; emptied, it goes.
		o.plain = true // 409 is not among the operation's declared answers
		plainWriter := o.client("wes2", map[string][]string{"writers": nil})
		o.plain = false
		wantStatus(t, plainWriter.DeleteSecretFolder(ctx, rg, proj, ops.ID), http.StatusConflict, "still holds")
		_, err = plainWriter.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "web", ParentFolderID: ops.ID})
		wantStatus(t, err, http.StatusConflict, "web")
		for _, id := range []string{root.ID} {
			noErr(t, writer.DeleteSecret(ctx, rg, proj, id))
		}
		_, err = plainWriter.GetSecret(ctx, rg, proj, root.ID)
		wantStatus(t, err, http.StatusNotFound, root.ID)
		items, err = writer.ListSecretFolderItems(ctx, rg, proj, db.ID, client.ListOptions{})
		noErr(t, err)
		if entryNames(items) != "app:key_value_secret" {
			t.Fatalf("db holds %s", entryNames(items))
		}
	})
}

// TestOPASecretsInput: bad input is a 400 naming the field, and nothing is stored.
func TestOPASecretsInput(t *testing.T) {
	onOPAStores(t, func(t *testing.T, o *opaTeam, sec *client.OPA) {
		ctx := context.Background()
		rg, proj := o.rg.ID, o.project.ID
		res := o.client("res", map[string][]string{"resources": {pam.RoleResourceAdmin}})
		ops, err := res.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "ops"})
		noErr(t, err)
		for field, in := range map[string]client.SecretFolderInput{
			"name":        {Name: " "},
			"description": {Name: "x", Description: ptrTo(strings.Repeat("d", 1025))},
		} {
			_, err := res.CreateSecretFolder(ctx, rg, proj, in)
			wantStatus(t, err, http.StatusBadRequest, field)
		}
		_, err = res.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: strings.Repeat("n", 256)})
		wantStatus(t, err, http.StatusBadRequest, "name")
		good := sealForVault(t, res, map[string]string{"k": "v"})
		for field, in := range map[string]client.SecretInput{
			"secret_jwe":       {Name: "s", ParentFolderID: ops.ID, SecretJWE: "not-a-jwe"},
			"secret_jwe ":      {Name: "s", ParentFolderID: ops.ID, SecretJWE: sealForVault(t, res, map[string]string{})},
			"parent_folder_id": {Name: "s", ParentFolderID: "", SecretJWE: good},
			"name":             {Name: "", ParentFolderID: ops.ID, SecretJWE: good},
		} {
			_, err := res.CreateSecret(ctx, rg, proj, in)
			wantStatus(t, err, http.StatusBadRequest, strings.TrimSpace(field))
		}
		_, err = res.RevealSecret(ctx, rg, proj, "nope", json.RawMessage(`{"kty":"oct","k":"AAAA"}`))
		wantStatus(t, err, http.StatusBadRequest, "public_key")

		// A delegated resource admin of the resource group makes top-level folders too; folders
		// nest at most 16 deep.
		owner := o.client("olga", map[string][]string{"owners": nil})
		deep, err := owner.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "deep"})
		noErr(t, err)
		owners, err := o.svc.Group(ctx, o.team.Team.ID, "owners")
		noErr(t, err)
		_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "nesting", Active: true,
			Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: owners.ID}}},
			ResourceGroup: &client.NamedObject{ID: rg},
			Rules: []client.SecurityPolicyRule{{Name: "deep", ResourceType: "secret_based_resource",
				ResourceSelector: client.SecretSelector(client.SelectSecretFolder(deep.ID)),
				Privileges:       []client.SecurityPolicyPrivilege{client.GrantSecret("folder_create", "secret_create")}}}})
		noErr(t, err)
		parent := deep
		for level := 2; level <= 16; level++ {
			parent, err = owner.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "level", ParentFolderID: parent.ID})
			noErr(t, err)
		}
		if len(parent.Path) != 15 || parent.Path[0].ID != deep.ID {
			t.Fatalf("16th folder's path %+v", parent.Path)
		}
		_, err = owner.CreateSecretFolder(ctx, rg, proj, client.SecretFolderInput{Name: "level", ParentFolderID: parent.ID})
		wantStatus(t, err, http.StatusBadRequest, "parent_folder_id")
		bottom, err := owner.CreateSecret(ctx, rg, proj, client.SecretInput{Name: "bottom", ParentFolderID: parent.ID, SecretJWE: good})
		noErr(t, err) // a secret fits in the deepest folder
		if got, err := owner.GetSecret(ctx, rg, proj, bottom.ID); err != nil || len(got.Path) != 16 || got.Path[0].ID != deep.ID {
			t.Fatalf("deepest secret %+v %v", got, err)
		}

		// Secret-based rules are checked when a policy is written.
		for field, rule := range map[string]client.SecurityPolicyRule{
			"rules[0].resource_selector.selectors": {Name: "r", ResourceType: "secret_based_resource",
				ResourceSelector: client.SecretSelector(), Privileges: []client.SecurityPolicyPrivilege{client.GrantSecret("list")}},
			"rules[0].privileges[0].privilege_type": {Name: "r", ResourceType: "secret_based_resource",
				ResourceSelector: client.SecretSelector(client.SelectSecret("s")), Privileges: []client.SecurityPolicyPrivilege{client.Grant("reveal_password")}},
		} {
			_, err = sec.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "bad", Active: true,
				ResourceGroup: &client.NamedObject{ID: rg}, Rules: []client.SecurityPolicyRule{rule}})
			wantStatus(t, err, http.StatusBadRequest, field)
		}
		items, err := o.s.App.Store().ListSecretItems(ctx, o.team.Team.ID, proj, ops.ID, store.Page{})
		noErr(t, err)
		if len(items) != 0 {
			t.Fatalf("refused input stored %+v", items)
		}
	})
}
