package opa

import (
	"context"
	"net/http"

	"github.com/keyward/keyward/internal/httpapi/wire"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store"
)

// enrollmentToken is the spec's ServerEnrollmentToken, but with token a string: live OPA and its
// Terraform provider send and expect one (the spec types it as an object; see docs/opa.md).
type enrollmentToken struct {
	ID            string `json:"id"`
	Token         string `json:"token"`
	CreatedByUser string `json:"created_by_user"`
	IssuedAt      string `json:"issued_at"`
	Description   string `json:"description"`
}

func enrollmentTokenBody(t pam.EnrollmentToken) enrollmentToken {
	return enrollmentToken{ID: t.ID, Token: t.Token, CreatedByUser: t.CreatedByUser, IssuedAt: timestamp(t.IssuedAt),
		Description: t.Description}
}

func (h *Handlers) listResourceGroupProjectServerEnrollmentTokens(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	return writeList(h, w, r, func(t enrollmentToken) string { return t.ID }, func(ctx context.Context, p store.Page) ([]enrollmentToken, error) {
		ts, err := h.PAM.ListEnrollmentTokens(ctx, ref, p)
		return mapped(ts, enrollmentTokenBody), err
	})
}

func (h *Handlers) createResourceGroupProjectServerEnrollmentToken(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	var in struct {
		Description string `json:"description"`
	}
	if err := wire.Decode(r, &in); err != nil {
		return err
	}
	t, err := h.PAM.CreateEnrollmentToken(r.Context(), ref, wire.PrincipalFrom(r).Actor, in.Description)
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusCreated, enrollmentTokenBody(t))
	return nil
}

func (h *Handlers) getResourceGroupProjectServerEnrollmentToken(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	t, err := h.PAM.EnrollmentToken(r.Context(), ref, r.PathValue("server_enrollment_token_id"))
	if err != nil {
		return err
	}
	wire.JSON(w, http.StatusOK, enrollmentTokenBody(t))
	return nil
}

func (h *Handlers) removeResourceGroupProjectServerEnrollmentToken(w http.ResponseWriter, r *http.Request) error {
	ref, err := h.projectRef(r)
	if err != nil {
		return err
	}
	if err := h.PAM.DeleteEnrollmentToken(r.Context(), ref, r.PathValue("server_enrollment_token_id")); err != nil {
		return err
	}
	wire.NoContent(w)
	return nil
}

// mapped applies fn to every element.
func mapped[T, U any](in []T, fn func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = fn(v)
	}
	return out
}
