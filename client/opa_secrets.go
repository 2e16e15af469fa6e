package client

import (
	"context"
	"encoding/json"
	"net/http"
)

// SecretPath is one folder above a secret or folder.
type SecretPath struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SecretItem is a secret folder or a secret as OPA shows it (SecretFolderResponse, Secret):
// never its value.
type SecretItem struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description *string      `json:"description"`
	Path        []SecretPath `json:"path"`
	CreatedAt   string       `json:"created_at"`
	CreatedBy   string       `json:"created_by"`
	UpdatedAt   string       `json:"updated_at"`
	UpdatedBy   string       `json:"updated_by"`
	// SecretJWE is set by RevealSecret only: the key/value pairs, encrypted to the caller's key.
	SecretJWE string `json:"secret_jwe,omitempty"`
}

// SecretListEntry is a folder or secret in a list (SecretOrFolderListResponse); Type is
// "folder" or "key_value_secret".
type SecretListEntry struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Description   *string      `json:"description"`
	Type          string       `json:"type"`
	Path          []SecretPath `json:"path"`
	ResourceGroup NamedObject  `json:"resource_group"`
	Project       NamedObject  `json:"project"`
}

// SecretFolderInput is a folder to create or update; ParentFolderID "" (create only) asks for a
// top-level folder.
type SecretFolderInput struct {
	Name           string  `json:"name"`
	Description    *string `json:"description,omitempty"`
	ParentFolderID string  `json:"parent_folder_id,omitempty"`
}

// SecretInput is a secret to create or update: SecretJWE is its key/value pairs as a JSON
// object, encrypted to the team's vault key (VaultJWKS).
type SecretInput struct {
	Name           string  `json:"name"`
	Description    *string `json:"description,omitempty"`
	ParentFolderID string  `json:"parent_folder_id"`
	SecretJWE      string  `json:"secret_jwe"`
}

// SecretSelector is a secret-based resource selector holding the sub-selectors given (made by
// SelectSecretFolder and SelectSecret).
func SecretSelector(selectors ...map[string]any) json.RawMessage {
	raw, _ := json.Marshal(map[string]any{"_type": "secret_based_resource", "selectors": selectors}) // plain values always encode
	return raw
}

// SelectSecretFolder selects a folder and everything in it.
func SelectSecretFolder(id string) map[string]any {
	return map[string]any{"selector_type": "secret_folder",
		"selector": map[string]any{"_type": "secret_folder", "secret_folder": map[string]any{"id": id}}}
}

// SelectSecret selects one secret.
func SelectSecret(id string) map[string]any {
	return map[string]any{"selector_type": "secret", "selector": map[string]any{"_type": "secret", "secret": map[string]any{"id": id}}}
}

// GrantSecret is the secret privilege with the flags named set to true (list, folder_create,
// folder_update, folder_delete, secret_create, secret_update, secret_reveal, secret_delete)
// and the others false.
func GrantSecret(flags ...string) SecurityPolicyPrivilege {
	v := map[string]any{"_type": "secret"}
	for _, f := range []string{"list", "folder_create", "folder_update", "folder_delete", "secret_create", "secret_update", "secret_reveal", "secret_delete"} {
		v[f] = false
	}
	for _, f := range flags {
		v[f] = true
	}
	return SecurityPolicyPrivilege{PrivilegeType: "secret", PrivilegeValue: v}
}

// ListTopLevelSecretFolders is GET …/projects/{project_id}/secret_folders.
func (o *OPA) ListTopLevelSecretFolders(ctx context.Context, rgID, projectID string) ([]SecretListEntry, error) {
	var out struct {
		List []SecretListEntry `json:"list"`
	}
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, "secret_folders"), nil, &out)
	return out.List, err
}

// CreateSecretFolder is POST …/secret_folders.
func (o *OPA) CreateSecretFolder(ctx context.Context, rgID, projectID string, in SecretFolderInput) (SecretItem, error) {
	var out SecretItem
	_, err := o.call(ctx, http.MethodPost, o.projectURL(rgID, projectID, "secret_folders"), in, &out)
	return out, err
}

// GetSecretFolder is GET …/secret_folders/{id}.
func (o *OPA) GetSecretFolder(ctx context.Context, rgID, projectID, id string) (SecretItem, error) {
	var out SecretItem
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, "secret_folders", id), nil, &out)
	return out, err
}

// UpdateSecretFolder is PUT …/secret_folders/{id} (name and description).
func (o *OPA) UpdateSecretFolder(ctx context.Context, rgID, projectID, id string, in SecretFolderInput) (SecretItem, error) {
	var out SecretItem
	in.ParentFolderID = ""
	_, err := o.call(ctx, http.MethodPut, o.projectURL(rgID, projectID, "secret_folders", id), in, &out)
	return out, err
}

// DeleteSecretFolder is DELETE …/secret_folders/{id}.
func (o *OPA) DeleteSecretFolder(ctx context.Context, rgID, projectID, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.projectURL(rgID, projectID, "secret_folders", id), nil, nil)
	return err
}

// ListSecretFolderItems is GET …/secret_folders/{id}/items, every page.
func (o *OPA) ListSecretFolderItems(ctx context.Context, rgID, projectID, id string, opts ListOptions) ([]SecretListEntry, error) {
	return opaList[SecretListEntry](ctx, o, o.url(opts.query(), "resource_groups", rgID, "projects", projectID, "secret_folders", id, "items"))
}

// CreateSecret is POST …/secrets.
func (o *OPA) CreateSecret(ctx context.Context, rgID, projectID string, in SecretInput) (SecretItem, error) {
	var out SecretItem
	_, err := o.call(ctx, http.MethodPost, o.projectURL(rgID, projectID, "secrets"), in, &out)
	return out, err
}

// GetSecret is GET …/secrets/{id}.
func (o *OPA) GetSecret(ctx context.Context, rgID, projectID, id string) (SecretItem, error) {
	var out SecretItem
	_, err := o.call(ctx, http.MethodGet, o.projectURL(rgID, projectID, "secrets", id), nil, &out)
	return out, err
}

// UpdateSecret is PUT …/secrets/{id}.
func (o *OPA) UpdateSecret(ctx context.Context, rgID, projectID, id string, in SecretInput) (SecretItem, error) {
	var out SecretItem
	_, err := o.call(ctx, http.MethodPut, o.projectURL(rgID, projectID, "secrets", id), in, &out)
	return out, err
}

// DeleteSecret is DELETE …/secrets/{id}.
func (o *OPA) DeleteSecret(ctx context.Context, rgID, projectID, id string) error {
	_, err := o.call(ctx, http.MethodDelete, o.projectURL(rgID, projectID, "secrets", id), nil, nil)
	return err
}

// RevealSecret is POST …/secrets/{id}: the secret with its key/value pairs as a JWE to
// publicKey (a public JWK).
func (o *OPA) RevealSecret(ctx context.Context, rgID, projectID, id string, publicKey json.RawMessage) (SecretItem, error) {
	var out SecretItem
	_, err := o.call(ctx, http.MethodPost, o.projectURL(rgID, projectID, "secrets", id), map[string]any{"public_key": publicKey}, &out)
	return out, err
}
