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
// rel="next", each project once, in order, and no Link at all on the last page; then backwards
// over every rel="prev" from the page before the last, in pages of 100 and of 50.
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
			next := func(l client.PageLinks) string { return l.Next }
			prev := func(l client.PageLinks) string { return l.Prev }
			for _, count := range []int{100, 50} {
				first := fmt.Sprintf("resource_groups/%s/projects?count=%d", rg.ID, count)
				forwards, pages := walkProjects(t, c, first, count, next)
				if strings.Join(forwards, ",") != strings.Join(want, ",") {
					t.Fatalf("forwards by %d: %d projects, want the 250 in order", count, len(forwards))
				}
				if last := pages[len(pages)-1]; last != (client.PageLinks{}) {
					t.Fatalf("last page links %+v: want no Link", last)
				}
				beforeLast := pages[len(pages)-2]
				backwards, back := walkProjects(t, c, beforeLast.Prev, count, prev)
				var wantBack []string
				for i := len(pages) - 3; i >= 0; i-- { // every page before the one before the last
					wantBack = append(wantBack, want[i*count:(i+1)*count]...)
				}
				if strings.Join(backwards, ",") != strings.Join(wantBack, ",") {
					t.Fatalf("backwards by %d: %d projects, want %d, the pages before the last two in reverse", count, len(backwards), len(wantBack))
				}
				if end := back[len(back)-1]; end.Prev != "" || end.Next == "" {
					t.Errorf("first page reached backwards: links %+v, want only next", end)
				}
			}
			var all []client.Project
			if links, err := c.Page(ctx, "resource_groups/"+rg.ID+"/projects?count=1000", &all); err != nil || len(all) != 250 || links != (client.PageLinks{}) {
				t.Errorf("one page of all: %d projects, links %+v, %v; want no Link", len(all), links, err)
			}
		})
	}
}

// walkProjects follows one kind of link from first, in pages of count (the last page forwards
// may be shorter), and returns the names seen and each page's links.
func walkProjects(t *testing.T, c *client.OPA, first string, count int, follow func(client.PageLinks) string) ([]string, []client.PageLinks) {
	t.Helper()
	var names []string
	var pages []client.PageLinks
	for target := first; target != ""; target = follow(pages[len(pages)-1]) {
		if len(pages) > 10 {
			t.Fatal("paging does not end")
		}
		var page []client.Project
		links, err := c.Page(context.Background(), target, &page)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 || len(page) > count {
			t.Fatalf("a page of %d projects, asked for %d", len(page), count)
		}
		for _, p := range page {
			names = append(names, p.Name)
		}
		pages = append(pages, links)
	}
	return names, pages
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
