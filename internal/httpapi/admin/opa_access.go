package admin

import (
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
)

// accessMethodBody is one access method a user holds on a server account.
type accessMethodBody struct {
	Privilege        string `json:"privilege"`
	AccessCredential string `json:"accessCredential,omitempty"` // what a reveal names to use it
	CheckoutRequired bool   `json:"checkoutRequired"`
	CheckoutSeconds  int    `json:"checkoutDurationInSeconds"`
}

// listUserAccessMethods answers the access methods the path's user holds on the server account,
// as its reveal would evaluate them now.
func (h *Handlers) listUserAccessMethods(w http.ResponseWriter, r *http.Request) error {
	team, err := h.PAM.Team(r.Context(), r.PathValue("team_name"))
	if err != nil {
		return err
	}
	ms, err := h.PAM.UserAccessMethods(r.Context(), team.ID, r.PathValue("user_name"), r.PathValue("server_account_id"))
	if err != nil {
		return err
	}
	out := make([]accessMethodBody, len(ms))
	for i, m := range ms {
		out[i] = accessMethodBody{Privilege: m.Privilege, AccessCredential: pam.AccessCredential(m.Privilege),
			CheckoutRequired: m.CheckoutRequired, CheckoutSeconds: m.CheckoutSeconds}
	}
	wire.JSON(w, http.StatusOK, out)
	return nil
}
