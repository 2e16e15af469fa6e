package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
)

// otherOrg adds a second org (secondOrg) and returns its id, admin token and a client of it.
func otherOrg(t *testing.T, s *apptest.Server) (string, string, *client.Client) {
	t.Helper()
	id, token := secondOrg(t, s)
	return id, token, client.New(s.URL, client.WithToken(token), client.WithHTTPClient(s.HTTP))
}

// exampleSeed reads examples/seed.yaml as JSON, with its team "demo" renamed team.
func exampleSeed(t testing.TB, team string) json.RawMessage {
	t.Helper()
	data, err := os.ReadFile("../../examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		t.Fatal(err)
	}
	teams := tree["opa"].(map[string]any)["teams"].([]any)
	teams[0].(map[string]any)["name"] = team
	teams[0].(map[string]any)["key"].(map[string]any)["id"] = team + "-key"
	js, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// exampleKeySecret is the key secret examples/seed.yaml gives its team.
const exampleKeySecret = "demo-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

// seededTeam is a client of a team loaded from exampleSeed.
func seededTeam(s *apptest.Server, team string) *client.OPA {
	return keyClient(s, team, team+"-key", exampleKeySecret)
}

// poolListing is the org's pools as GET /api/v1/agentPools lists them, by name: "type/name:
// agent,agent".
func poolListing(t testing.TB, c *client.Client) []string {
	t.Helper()
	pools, err := c.ListAgentPools(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range pools {
		var agents []string
		for _, a := range p.Agents {
			agents = append(agents, a.Name+"@"+a.Version)
		}
		slices.Sort(agents)
		out = append(out, p.Type+"/"+p.Name+":"+strings.Join(agents, ","))
	}
	slices.Sort(out)
	return out
}

// projectListing is the team's projects as the OPA API lists them: "resource group/project"
// (and "resource group/" for each resource group), sorted.
func projectListing(t testing.TB, c *client.OPA) []string {
	t.Helper()
	ctx := context.Background()
	rgs, err := c.ListResourceGroups(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, rg := range rgs {
		out = append(out, rg.Name+"/")
		ps, err := c.ListProjects(ctx, rg.ID, client.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			uid := 0
			if p.NextUnixUID != nil {
				uid = *p.NextUnixUID
			}
			out = append(out, fmt.Sprintf("%s/%s uid=%d", rg.Name, p.Name, uid))
		}
	}
	slices.Sort(out)
	return out
}

// principalListing is the team's users and groups with their members, sorted.
func principalListing(t testing.TB, c *client.OPA) []string {
	t.Helper()
	ctx := context.Background()
	users, err := c.ListUsers(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := opaUserNames(users)
	groups, err := c.ListGroups(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		members, err := c.ListGroupUsers(ctx, g.Name, client.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, "group "+g.Name+": "+strings.Join(opaUserNames(members), ","))
	}
	slices.Sort(out)
	return out
}

// loadYAML posts a seed document as YAML and returns the status and body.
func loadYAML(t testing.TB, s *apptest.Server, doc []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/keyward/v1/seed", bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}

// validateSeed checks a document against schema/seed.schema.json.
func validateSeed(t testing.TB, doc json.RawMessage) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile("../../schema/seed.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("snapshot does not validate against the seed schema: %v\n%s", err, doc)
	}
}

// created sums a load's created counts.
func created(r *client.SeedResult) int {
	n := 0
	for _, v := range r.Created {
		n += v
	}
	return n
}
