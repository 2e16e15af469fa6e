package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
)

// TestOPAProjectPaging lists 250 projects 100 at a time through client/: forwards over every
// rel="next", then backwards over every rel="prev" from the last page; each project once, in
// order, and no rel="next" on the last page.
func TestOPAProjectPaging(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, c, svc, teamID := opaServer(t, db.postgres)
			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "many"})
			if err != nil {
				t.Fatal(err)
			}
			want := make([]string, 250)
			for i := range want {
				want[i] = fmt.Sprintf("p%03d", i)
				if _, err := svc.CreateProject(ctx, teamID, rg.ID, pam.ProjectInput{Name: &want[i]}); err != nil {
					t.Fatal(err)
				}
			}
			first := "resource_groups/" + rg.ID + "/projects?count=100"
			forwards, last := walkProjects(t, c, first, func(l client.PageLinks) string { return l.Next })
			if strings.Join(forwards, ",") != strings.Join(want, ",") {
				t.Fatalf("forwards: %d projects, want the 250 in order", len(forwards))
			}
			if last.Next != "" || last.Prev == "" {
				t.Fatalf("last page links %+v: want no next, and a prev", last)
			}
			backwards, end := walkProjects(t, c, last.Prev, func(l client.PageLinks) string { return l.Prev })
			if got := strings.Join(backwards, ","); got != strings.Join(append(want[100:200:200], want[:100]...), ",") {
				t.Fatalf("backwards: %d projects, want 100..199 then 0..99", len(backwards))
			}
			if end.Prev != "" || end.Next == "" {
				t.Errorf("first page reached backwards: links %+v, want only next", end)
			}
			var all []client.Project
			if links, err := c.Page(ctx, "resource_groups/"+rg.ID+"/projects?count=1000", &all); err != nil || len(all) != 250 || links != (client.PageLinks{}) {
				t.Errorf("one page of all: %d projects, links %+v, %v; want no Link", len(all), links, err)
			}
		})
	}
}

// walkProjects follows one kind of link from first and returns the names seen and the links of
// the page where it stopped.
func walkProjects(t *testing.T, c *client.OPA, first string, follow func(client.PageLinks) string) ([]string, client.PageLinks) {
	t.Helper()
	var names []string
	var links client.PageLinks
	for target, pages := first, 0; target != ""; target, pages = follow(links), pages+1 {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		var page []client.Project
		var err error
		if links, err = c.Page(context.Background(), target, &page); err != nil {
			t.Fatal(err)
		}
		if len(page) != 100 && len(page) != 50 {
			t.Fatalf("a page of %d projects", len(page))
		}
		for _, p := range page {
			names = append(names, p.Name)
		}
	}
	return names, links
}

// TestOPAProjectInputRefused sends invalid projects and resource groups: each answers 400 or 404
// naming the field at fault, and nothing is stored.
func TestOPAProjectInputRefused(t *testing.T) {
	for _, db := range backends {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, c, _, teamID := opaServer(t, db.postgres)
			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "prod"})
			if err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				name   string
				rgID   string
				in     client.ProjectInput
				status int
				field  string
			}{
				{"bad name", rg.ID, client.ProjectInput{Name: client.Ptr("no spaces please")}, 400, "name"},
				{"no name", rg.ID, client.ProjectInput{}, 400, "name"},
				{"uid below range", rg.ID, client.ProjectInput{Name: client.Ptr("a"), NextUnixUID: client.Ptr(99)}, 400, "next_unix_uid"},
				{"gid above range", rg.ID, client.ProjectInput{Name: client.Ptr("a"), NextUnixGID: client.Ptr(65536)}, 400, "next_unix_gid"},
				{"unknown certificate type", rg.ID, client.ProjectInput{Name: client.Ptr("a"), SSHCertificateType: client.Ptr("CERT_TYPE_DSA")}, 400, "ssh_certificate_type"},
				{"bad gateway selector", rg.ID, client.ProjectInput{Name: client.Ptr("a"), GatewaySelector: client.Ptr("REGION")}, 400, "gateway_selector"},
				{"unknown resource group", "00000000-0000-4000-8000-000000000000", client.ProjectInput{Name: client.Ptr("a")}, 404, "00000000-0000-4000-8000-000000000000"},
			}
			for _, tc := range cases {
				_, err := c.CreateProject(ctx, tc.rgID, tc.in)
				if client.StatusCode(err) != tc.status || !strings.Contains(err.Error(), tc.field) {
					t.Errorf("%s: %v, want %d naming %s", tc.name, err, tc.status, tc.field)
				}
			}
			if ps := storedProjects(t, s.App.Store(), teamID, rg.ID); len(ps) != 0 {
				t.Errorf("%d projects stored after refusals", len(ps))
			}
			_, err = c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "other",
				DelegatedResourceAdminGroups: []client.NamedObject{{ID: "00000000-0000-4000-8000-000000000000", Type: "user_group"}}})
			if client.StatusCode(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "delegated_resource_admin_groups") {
				t.Errorf("unknown owner group: %v, want 400 naming delegated_resource_admin_groups", err)
			}
			if got, err := c.ListResourceGroups(ctx, client.ListOptions{}); err != nil || len(got) != 1 {
				t.Errorf("resource groups after refusals: %+v %v, want prod alone", got, err)
			}
		})
	}
}
