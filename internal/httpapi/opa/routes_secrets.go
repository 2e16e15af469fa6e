package opa

import (
	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// secretRoutes are a project's secret folders and secrets (api/opa-projects.yaml, tag secrets).
// Every end user may call them; what each caller may do is decided per folder and secret by the
// secret-based rules of its security policies (pam.EvaluateSecret).
func (h *Handlers) secretRoutes() []wire.Route {
	const (
		ra, dra = pam.RoleResourceAdmin, pam.RoleDelegatedResourceAdmin
		eu      = pam.RoleEndUser
		folders = projectPath + "/secret_folders"
		folder  = folders + "/{secret_folder_id}"
		secrets = projectPath + "/secrets"
		secret  = secrets + "/{secret_id}"
	)
	return []wire.Route{
		bearer("GET", folders, "ListTopLevelSecretFoldersForProject", h.listTopLevelSecretFolders, eu),
		bearer("POST", folders, "CreateSecretFolder", h.createSecretFolder, ra, dra, eu),
		bearer("GET", folder, "GetSecretFolder", h.getSecretFolder, eu),
		bearer("PUT", folder, "UpdateSecretFolder", h.updateSecretFolder, eu),
		bearer("DELETE", folder, "DeleteSecretFolder", h.deleteSecretFolder, eu),
		bearer("GET", folder+"/items", "ListSecretFolderItems", h.listSecretFolderItems, eu),
		bearer("POST", secrets, "CreateSecret", h.createSecret, eu),
		bearer("GET", secret, "GetSecret", h.getSecret, eu),
		bearer("POST", secret, "RevealSecret", h.revealSecret, eu),
		bearer("PUT", secret, "UpdateSecret", h.updateSecret, eu),
		bearer("DELETE", secret, "DeleteSecret", h.deleteSecret, eu),
	}
}
