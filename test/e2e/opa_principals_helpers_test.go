package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
)

// principalTeam is a team made through the admin API, with a client of its first service user
// (a member of the team's admin group: pam_admin, resource_admin, security_admin).
type principalTeam struct {
	name  string
	keyID string
	admin *client.OPA
}

func newPrincipalTeam(t *testing.T, s *apptest.Server, name string) principalTeam {
	t.Helper()
	created, err := s.Client.CreateTeam(context.Background(), name, "")
	if err != nil {
		t.Fatalf("create team %s: %v", name, err)
	}
	if created.Name != name || created.ServiceUser != "keyward-admin" || created.KeyID == "" || created.KeySecret == "" {
		t.Fatalf("created team %+v", created)
	}
	return principalTeam{name: name, keyID: created.KeyID,
		admin: client.NewOPA(s.URL, name, created.KeyID, created.KeySecret, client.WithHTTPClient(s.HTTP))}
}

// keyClient is a client of team authenticating with a service user's key.
func keyClient(s *apptest.Server, team, keyID, secret string) *client.OPA {
	return client.NewOPA(s.URL, team, keyID, secret, client.WithHTTPClient(s.HTTP))
}

// humanClient creates an active human user of team and returns a client with a token minted
// for it, as a user signed in through the OPA client would hold.
func humanClient(t *testing.T, s *apptest.Server, team, name string) *client.OPA {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Client.CreateTeamUser(ctx, team, client.TeamUser{Name: name, Email: name + "@example.com", FirstName: "First", LastName: "Last"}); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return mintedClient(t, s, team, name)
}

func mintedClient(t *testing.T, s *apptest.Server, team, name string) *client.OPA {
	t.Helper()
	tok, err := s.Client.MintUserToken(context.Background(), team, name)
	if err != nil {
		t.Fatalf("mint token for %s: %v", name, err)
	}
	if tok.BearerToken == "" || tok.TeamName != team {
		t.Fatalf("minted %+v", tok)
	}
	return client.NewOPAWithToken(s.URL, team, tok.BearerToken, client.WithHTTPClient(s.HTTP))
}

// tradeKey trades a key for a bearer token at POST /service_token.
func tradeKey(t testing.TB, s *apptest.Server, team, keyID, secret string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"key_id": keyID, "key_secret": secret})
	resp, err := s.HTTP.Post(s.URL+"/v1/teams/"+team+"/service_token", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		BearerToken string `json:"bearer_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("service token: %d, %v", resp.StatusCode, err)
	}
	return out.BearerToken
}

// wantOPAStatus fails unless err is an API error with the status (and, for a 400, a message
// naming field).
func wantOPAStatus(t *testing.T, what string, err error, status int, field string) {
	t.Helper()
	if got := client.StatusCode(err); got != status {
		t.Fatalf("%s: %v, want HTTP %d", what, err, status)
	}
	if field != "" && !strings.Contains(err.Error(), field) {
		t.Fatalf("%s: %v, want a message naming %q", what, err, field)
	}
}

func mustOPA(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func opaUserNames(us []client.OPAUser) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return out
}

func opaGroupNames(gs []client.OPAGroup) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

// sameNameSet fails unless got holds exactly want, in any order.
func sameNameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Fatalf("%s: %q, want %q", what, got, want)
	}
}
