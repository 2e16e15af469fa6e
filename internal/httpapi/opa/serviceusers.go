package opa

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/store"
)

func (h *Handlers) listServiceUsers(w http.ResponseWriter, r *http.Request) error {
	teamID := wire.PrincipalFrom(r).TeamID
	return pagedList(h, w, r, userName, func(p store.Page) ([]store.OPAUser, error) {
		return h.PAM.ListServiceUsers(r.Context(), teamID, p)
	}, userPresenter(r.PathValue("team_name")))
}

func (h *Handlers) createServiceUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	u, err := h.PAM.CreateServiceUser(r.Context(), wire.PrincipalFrom(r).TeamID, in.Name)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, presentUser(r.PathValue("team_name"), u))
	return nil
}

func (h *Handlers) getServiceUser(w http.ResponseWriter, r *http.Request) error {
	u, err := h.PAM.ServiceUser(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("user_name"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, presentUser(r.PathValue("team_name"), u))
	return nil
}

func (h *Handlers) serviceUserUpdate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name   string `json:"name"`
		Status string `json:"status"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	u, err := h.PAM.UpdateServiceUser(r.Context(), principalOf(r), r.PathValue("user_name"), in.Name, in.Status)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, presentUser(r.PathValue("team_name"), u))
	return nil
}

// keyBody is the spec's ServiceUserKey; its timestamps are required and not nullable, so a key
// that never expires or was never used shows the zero time, as OPA does.
type keyBody struct {
	ID        string `json:"id"`
	IssuedAt  string `json:"issued_at"`
	ExpiresAt string `json:"expires_at"`
	LastUsed  string `json:"last_used"`
}

func presentKey(k store.OPAKey) keyBody {
	return keyBody{ID: k.ID, IssuedAt: timestamp(k.IssuedAt), ExpiresAt: timestamp(k.ExpiresAt), LastUsed: timestamp(k.LastUsed)}
}

func (h *Handlers) listServiceUserKeys(w http.ResponseWriter, r *http.Request) error {
	teamID, user := wire.PrincipalFrom(r).TeamID, r.PathValue("user_name")
	return pagedList(h, w, r, func(k store.OPAKey) string { return k.ID }, func(p store.Page) ([]store.OPAKey, error) {
		return h.PAM.ListKeys(r.Context(), teamID, user, p)
	}, presentKey)
}

// rotateServiceUserKey creates one more key for the service user; its secret is in this answer
// only (see pam.Service.CreateKey for why the others are kept).
func (h *Handlers) rotateServiceUserKey(w http.ResponseWriter, r *http.Request) error {
	k, err := h.PAM.CreateKey(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("user_name"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, struct {
		keyBody
		Secret string `json:"secret"`
	}{presentKey(k.OPAKey), k.Secret})
	return nil
}

func (h *Handlers) deleteServiceUserKey(w http.ResponseWriter, r *http.Request) error {
	err := h.PAM.DeleteKey(r.Context(), wire.PrincipalFrom(r).TeamID, r.PathValue("user_name"), r.PathValue("key_id"))
	if err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}
