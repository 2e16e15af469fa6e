package opa

import (
	"net/http"
	"strings"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/vault"
)

// secretPath is one entry of an item's path (the spec's SecretPath).
type secretPath struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// secretItemBody is a secret folder or secret as shown (SecretFolderResponse and Secret); it
// never holds the value.
type secretItemBody struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description *string      `json:"description"`
	Path        []secretPath `json:"path"`
	CreatedAt   string       `json:"created_at"`
	CreatedBy   string       `json:"created_by"`
	UpdatedAt   string       `json:"updated_at"`
	UpdatedBy   string       `json:"updated_by"`
}

// secretListEntry is an item in a list (SecretOrFolderListResponse).
type secretListEntry struct {
	ID            string       `json:"id"`
	Name          string       `json:"name"`
	Description   *string      `json:"description"`
	Type          string       `json:"type"`
	Path          []secretPath `json:"path"`
	ResourceGroup namedObject  `json:"resource_group"`
	Project       namedObject  `json:"project"`
}

func pathOf(it pam.SecretItem) []secretPath {
	out := make([]secretPath, len(it.Path))
	for i, f := range it.Path {
		out[i] = secretPath{ID: f.ID, Name: f.Name}
	}
	return out
}

func secretItemOf(it pam.SecretItem) secretItemBody {
	return secretItemBody{ID: it.ID, Name: it.Name, Description: it.Description, Path: pathOf(it),
		CreatedAt: timestamp(it.CreatedAt), CreatedBy: it.CreatedBy, UpdatedAt: timestamp(it.UpdatedAt), UpdatedBy: it.UpdatedBy}
}

func secretListEntryOf(it pam.SecretItem) secretListEntry {
	return secretListEntry{ID: it.ID, Name: it.Name, Description: it.Description, Type: it.Kind, Path: pathOf(it),
		ResourceGroup: namedObject{ID: it.ResourceGroup.ID, Name: it.ResourceGroup.Name, Type: "resource_group"},
		Project:       namedObject{ID: it.Project.ID, Name: it.Project.Name, Type: "project"}}
}

// secretPlace is the resource group and project of a secrets request.
func secretPlace(r *http.Request) (string, string) {
	return r.PathValue("resource_group_id"), r.PathValue("project_id")
}

func (h *Handlers) listTopLevelSecretFolders(w http.ResponseWriter, r *http.Request) error {
	rg, project := secretPlace(r)
	items, err := h.PAM.ListTopLevelSecretFolders(r.Context(), principalOf(r), rg, project)
	if err != nil {
		return err
	}
	out := make([]secretListEntry, len(items))
	for i, it := range items {
		out[i] = secretListEntryOf(it)
	}
	wire.JSON(w, http.StatusOK, map[string]any{"list": out})
	return nil
}

type secretFolderRequest struct {
	Name           *string `json:"name"`
	Description    *string `json:"description"`
	ParentFolderID string  `json:"parent_folder_id"`
}

// decodeSecretFolder reads a folder as sent (SecretFolderCreateRequest or SecretFolderUpdateRequest).
func decodeSecretFolder(r *http.Request) (pam.SecretFolderInput, error) {
	var in secretFolderRequest
	if err := wire.Decode(r, &in); err != nil {
		return pam.SecretFolderInput{}, err
	}
	if in.Name == nil {
		return pam.SecretFolderInput{}, fault.InvalidFields(fault.Required("name", "name: is required"))
	}
	return pam.SecretFolderInput{Name: *in.Name, Description: in.Description, ParentID: in.ParentFolderID}, nil
}

func (h *Handlers) createSecretFolder(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeSecretFolder(r)
	if err != nil {
		return err
	}
	rg, project := secretPlace(r)
	f, err := h.PAM.CreateSecretFolder(r.Context(), principalOf(r), rg, project, in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, secretItemOf(f))
	return nil
}

func (h *Handlers) getSecretFolder(w http.ResponseWriter, r *http.Request) error {
	rg, project := secretPlace(r)
	f, err := h.PAM.SecretFolder(r.Context(), principalOf(r), rg, project, r.PathValue("secret_folder_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, secretItemOf(f))
	return nil
}

func (h *Handlers) updateSecretFolder(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeSecretFolder(r)
	if err != nil {
		return err
	}
	in.ParentID = "" // a folder stays where it is: SecretFolderUpdateRequest has no parent
	rg, project := secretPlace(r)
	f, err := h.PAM.UpdateSecretFolder(r.Context(), principalOf(r), rg, project, r.PathValue("secret_folder_id"), in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, secretItemOf(f))
	return nil
}

func (h *Handlers) deleteSecretFolder(w http.ResponseWriter, r *http.Request) error {
	rg, project := secretPlace(r)
	if err := h.PAM.DeleteSecretFolder(r.Context(), principalOf(r), rg, project, r.PathValue("secret_folder_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handlers) listSecretFolderItems(w http.ResponseWriter, r *http.Request) error {
	rg, project := secretPlace(r)
	id := r.PathValue("secret_folder_id")
	return pagedList(h, w, r, func(it pam.SecretItem) string { return it.Name }, func(p store.Page) ([]pam.SecretItem, error) {
		return h.PAM.ListSecretFolderItems(r.Context(), principalOf(r), rg, project, id, p)
	}, secretListEntryOf)
}

type secretRequest struct {
	Name            *string `json:"name"`
	Description     *string `json:"description"`
	ParentFolderID  *string `json:"parent_folder_id"`
	SecretJWE       *string `json:"secret_jwe"`
	TemplateID      *string `json:"template_id"`
	TemplateVersion *int    `json:"template_version"`
}

// secretInput checks a secret as sent and opens its JWE with the team's vault key: the value
// exists in the clear only from here to its sealing.
func (h *Handlers) secretInput(r *http.Request) (pam.SecretInput, error) {
	var in secretRequest
	if err := wire.Decode(r, &in); err != nil {
		return pam.SecretInput{}, err
	}
	var missing []fault.Cause
	for _, f := range []struct {
		v    *string
		name string
	}{{in.Name, "name"}, {in.ParentFolderID, "parent_folder_id"}, {in.SecretJWE, "secret_jwe"}} {
		if f.v == nil {
			missing = append(missing, fault.Required(f.name, f.name+": is required"))
		}
	}
	if len(missing) > 0 {
		return pam.SecretInput{}, fault.InvalidFields(missing...)
	}
	key, err := h.Vault.TeamKey(wire.PrincipalFrom(r).TeamID)
	if err != nil {
		return pam.SecretInput{}, err
	}
	plain, err := vault.Decrypt(*in.SecretJWE, key.Key)
	if err != nil {
		return pam.SecretInput{}, fault.Invalidf("SecretCreateOrUpdateRequest",
			"secret_jwe: must be a compact JWE encrypted to the team's vault key (GET /vault/jwks.json)")
	}
	return pam.SecretInput{Name: *in.Name, Description: in.Description, ParentID: *in.ParentFolderID, Value: plain}, nil
}

func (h *Handlers) createSecret(w http.ResponseWriter, r *http.Request) error {
	in, err := h.secretInput(r)
	if err != nil {
		return err
	}
	rg, project := secretPlace(r)
	s, err := h.PAM.CreateSecret(r.Context(), principalOf(r), rg, project, in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, secretItemOf(s))
	return nil
}

func (h *Handlers) getSecret(w http.ResponseWriter, r *http.Request) error {
	rg, project := secretPlace(r)
	s, err := h.PAM.Secret(r.Context(), principalOf(r), rg, project, r.PathValue("secret_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, secretItemOf(s))
	return nil
}

func (h *Handlers) updateSecret(w http.ResponseWriter, r *http.Request) error {
	in, err := h.secretInput(r)
	if err != nil {
		return err
	}
	rg, project := secretPlace(r)
	s, err := h.PAM.UpdateSecret(r.Context(), principalOf(r), rg, project, r.PathValue("secret_id"), in)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, secretItemOf(s))
	return nil
}

func (h *Handlers) deleteSecret(w http.ResponseWriter, r *http.Request) error {
	rg, project := secretPlace(r)
	if err := h.PAM.DeleteSecret(r.Context(), principalOf(r), rg, project, r.PathValue("secret_id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// revealSecret answers the secret (SecretRevealResponse) with its key/value pairs as a JWE to
// the caller's public key: the only way a secret's value leaves keyward.
func (h *Handlers) revealSecret(w http.ResponseWriter, r *http.Request) error {
	var in revealRequest
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	if len(in.PublicKey) == 0 || string(in.PublicKey) == "null" {
		return fault.InvalidFields(fault.Required("public_key", "public_key: is required"))
	}
	key, alg, err := vault.ParsePublicKey(in.PublicKey)
	if err != nil {
		return fault.Invalidf("SecretRevealRequest", "public_key: "+trimVault(err))
	}
	rg, project := secretPlace(r)
	s, plain, err := h.PAM.RevealSecret(r.Context(), principalOf(r), rg, project, r.PathValue("secret_id"))
	if err != nil {
		return err
	}
	jwe, err := vault.Encrypt(key, alg, plain)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, struct {
		secretItemBody
		SecretJWE string `json:"secret_jwe"`
	}{secretItemOf(s), jwe})
	return nil
}

// trimVault is a vault error as a cause.
func trimVault(err error) string { return strings.TrimPrefix(err.Error(), "vault: ") }
