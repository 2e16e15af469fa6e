package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/auth"
	"github.com/keyward/keyward/internal/spectest"
)

// pendingOperations are operations of the OPA documents keyward does not serve yet: none is left.
// An operation served while still listed here fails the test, so the list only shrinks.
var pendingOperations = []string{}

// unmatchedPath is the router's answer to a path no route serves (wire.CodePathNotFound's
// summary), told apart from an operation's own 404 for a missing resource.
const unmatchedPath = "The requested path was not found"

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestEveryOPAOperationIsServed calls every operation of opa-projects.yaml and opa-team.yaml,
// with made-up ids and an empty body, as a user holding every team-wide role (and end_user, as every human user): none may answer the router's
// own 404 or 405 (no route) or 501, except the pending ones, which must still be missing.
func TestEveryOPAOperationIsServed(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			o := newOPATeam(t, start(t, db.postgres), "acme")
			ctx := context.Background()
			_, err := o.s.Client.CreateTeamUser(ctx, "acme", client.TeamUser{Name: "everyone", Email: "everyone@example.com"})
			noErr(t, err)
			_, err = o.svc.CreateGroup(ctx, o.team.Team.ID, "all-roles", []string{auth.RolePAMAdmin, auth.RoleResourceAdmin, auth.RoleSecurityAdmin})
			noErr(t, err)
			noErr(t, o.svc.AddMember(ctx, o.team.Team.ID, "all-roles", "everyone"))
			tok, err := o.s.Client.MintUserToken(ctx, "acme", "everyone")
			noErr(t, err)

			var ops []spectest.Op
			for _, doc := range []string{"opa-projects.yaml", "opa-team.yaml"} {
				ops = append(ops, spectest.Load(t, doc).Operations()...)
			}
			if len(ops) < 130 {
				t.Fatalf("only %d operations in the documents", len(ops))
			}
			for _, op := range ops {
				path := pathParam.ReplaceAllStringFunc(op.Path, func(p string) string {
					if p == "{team_name}" {
						return "acme"
					}
					return uuid.NewString()
				})
				status, body := opaCall(t, o.s.URL+path, tok.BearerToken, op.Method)
				missing := status == http.StatusMethodNotAllowed ||
					(status == http.StatusNotFound && strings.Contains(string(body), unmatchedPath))
				pending := slices.Contains(pendingOperations, op.ID)
				switch {
				case status == http.StatusNotImplemented:
					t.Errorf("%s %s (%s): 501", op.Method, op.Path, op.ID)
				case missing && !pending:
					t.Errorf("%s %s (%s): no route (%d %s)", op.Method, op.Path, op.ID, status, body)
				case !missing && pending:
					t.Errorf("%s (%s) is served now: take it off pendingOperations", op.ID, op.Path)
				case status >= 500:
					t.Errorf("%s %s (%s): %d %s", op.Method, op.Path, op.ID, status, body)
				}
			}
		})
	}
}

func opaCall(t *testing.T, url, token, method string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if method != http.MethodGet && method != http.MethodDelete {
		rd = bytes.NewReader(json.RawMessage(`{}`))
	}
	req, err := http.NewRequest(method, url, rd)
	noErr(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	noErr(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	noErr(t, err)
	return resp.StatusCode, body
}
