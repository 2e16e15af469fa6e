package pam

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/keyward/keyward/internal/fault"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// maxDescription is the spec's bound on an enrollment token's description.
const maxDescription = 512

// EnrollmentToken is a stored token with its value, which is the same on every read.
type EnrollmentToken struct {
	store.EnrollmentToken
	Token string
}

// enrollmentDoc is what an enrollment token's value decodes to (base64 of this JSON): enough
// for an agent to configure itself, and the secret that admits it.
type enrollmentDoc struct {
	Team            string `json:"team"`
	ResourceGroupID string `json:"resource_group_id"`
	ProjectID       string `json:"project_id"`
	ID              string `json:"id"`
	Secret          string `json:"secret"`
}

// enrollmentSecret derives a token's secret from its random id under the server's key, so the
// value can be shown again on every read while the database holds only the secret's hash.
func (s *Service) enrollmentSecret(id string) string {
	m := hmac.New(sha256.New, s.EnrollmentKey)
	m.Write([]byte("server-enrollment-token:" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Service) enrollmentView(t store.EnrollmentToken, teamName string) EnrollmentToken {
	doc, _ := json.Marshal(enrollmentDoc{Team: teamName, ResourceGroupID: t.ResourceGroupID, ProjectID: t.ProjectID, ID: t.ID,
		Secret: s.enrollmentSecret(t.ID)}) // a struct of strings always encodes
	return EnrollmentToken{EnrollmentToken: t, Token: base64.StdEncoding.EncodeToString(doc)}
}

// ProjectRef names a project of a team by the ids in its path.
type ProjectRef struct {
	TeamID, TeamName, ResourceGroupID, ProjectID string
}

// project returns the referenced project, or NotFound.
func (s *Service) project(ctx context.Context, q store.Queries, ref ProjectRef) (store.Project, error) {
	if !storable(ref.ResourceGroupID) || !storable(ref.ProjectID) {
		return store.Project{}, fault.Missing(ref.ProjectID, "Project")
	}
	p, err := q.GetProject(ctx, ref.TeamID, ref.ResourceGroupID, ref.ProjectID)
	return p, missing(err, ref.ProjectID, "Project")
}

// CreateEnrollmentToken adds a token to a project; createdBy is the caller's name.
func (s *Service) CreateEnrollmentToken(ctx context.Context, ref ProjectRef, createdBy, description string) (EnrollmentToken, error) {
	if cs := checkDescription(description); len(cs) > 0 {
		return EnrollmentToken{}, fault.Invalidf("ServerEnrollmentToken", cs...)
	}
	t := store.EnrollmentToken{ID: newID(), TeamID: ref.TeamID, ResourceGroupID: ref.ResourceGroupID, ProjectID: ref.ProjectID, Description: description,
		CreatedByUser: createdBy, IssuedAt: s.Clock.Now().UTC().Truncate(1e6)}
	t.SecretHash = ids.Hash(s.enrollmentSecret(t.ID))
	err := s.Store.InTx(ctx, func(q store.Queries) error {
		if _, err := s.project(ctx, q, ref); err != nil {
			return err
		}
		return q.CreateEnrollmentToken(ctx, t)
	})
	return s.enrollmentView(t, ref.TeamName), err
}

func checkDescription(d string) []string {
	switch n := utf8.RuneCountInString(d); {
	case n == 0:
		return []string{"description: is required"}
	case n > maxDescription:
		return []string{"description: must be at most 512 characters"}
	}
	return causes(checkText("description", d))
}

// EnrollmentToken returns one of a project's tokens.
func (s *Service) EnrollmentToken(ctx context.Context, ref ProjectRef, id string) (EnrollmentToken, error) {
	if _, err := s.project(ctx, s.Store, ref); err != nil {
		return EnrollmentToken{}, err
	}
	if !storable(id) {
		return EnrollmentToken{}, fault.Missing(id, "ServerEnrollmentToken")
	}
	t, err := s.Store.GetEnrollmentToken(ctx, ref.TeamID, ref.ProjectID, id)
	return s.enrollmentView(t, ref.TeamName), missing(err, id, "ServerEnrollmentToken")
}

// ListEnrollmentTokens pages a project's tokens by id.
func (s *Service) ListEnrollmentTokens(ctx context.Context, ref ProjectRef, p store.Page) ([]EnrollmentToken, error) {
	if err := checkPage(p); err != nil {
		return nil, err
	}
	if _, err := s.project(ctx, s.Store, ref); err != nil {
		return nil, err
	}
	ts, err := s.Store.ListEnrollmentTokens(ctx, ref.TeamID, ref.ProjectID, p)
	out := make([]EnrollmentToken, len(ts))
	for i, t := range ts {
		out[i] = s.enrollmentView(t, ref.TeamName)
	}
	return out, err
}

// DeleteEnrollmentToken removes a token: it enrolls nothing more, and its servers stay enrolled.
func (s *Service) DeleteEnrollmentToken(ctx context.Context, ref ProjectRef, id string) error {
	if _, err := s.project(ctx, s.Store, ref); err != nil {
		return err
	}
	if !storable(id) {
		return fault.Missing(id, "ServerEnrollmentToken")
	}
	return missing(s.Store.DeleteEnrollmentToken(ctx, ref.TeamID, ref.ProjectID, id), id, "ServerEnrollmentToken")
}

// enrollmentByValue finds the live token a value names; any failure is Unauthorized.
func (s *Service) enrollmentByValue(ctx context.Context, q store.Queries, value string) (store.EnrollmentToken, error) {
	refused := fault.Unauthorizedf("Invalid enrollment token")
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return store.EnrollmentToken{}, refused
	}
	var doc enrollmentDoc
	if err := json.Unmarshal(raw, &doc); err != nil || doc.Secret == "" || !utf8.ValidString(doc.Secret) {
		return store.EnrollmentToken{}, refused
	}
	t, err := q.GetEnrollmentTokenBySecret(ctx, ids.Hash(doc.Secret))
	if errors.Is(err, store.ErrNotFound) {
		return t, refused // deleted, or never issued
	}
	return t, err
}
