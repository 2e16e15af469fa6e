package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/pam"
)

// BenchmarkOPAProjects times two OPA calls through client/ and the whole HTTP stack of a real
// server (bearer token and role check, the resource-group check, the store, the JSON both ways):
// reading the middle page of 100 of a resource group's 250 projects, and creating a project.
//
//	go test -run '^$' -bench OPAProjects ./test/e2e   (PostgreSQL with KEYWARD_TEST_POSTGRES_URL)
func BenchmarkOPAProjects(b *testing.B) {
	for _, db := range backends {
		b.Run(db.name, func(b *testing.B) {
			ctx := context.Background()
			s, _, svc, teamID := opaServer(b, db.postgres)
			// Not the validating client of the tests: checking 100 projects against the spec
			// would cost more than serving them.
			c := client.NewOPA(s.URL, "acme", "key-1", opaKeySecret)
			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < 250; i++ {
				name := fmt.Sprintf("p%03d", i)
				if _, err := svc.CreateProject(ctx, teamID, rg.ID, pam.ProjectInput{Name: &name}); err != nil {
					b.Fatal(err)
				}
			}
			var page []client.Project
			links, err := c.Page(ctx, "resource_groups/"+rg.ID+"/projects?count=100", &page)
			if err != nil || links.Next == "" {
				b.Fatalf("first page: %v %+v", err, links)
			}
			b.Run("list-page-of-100", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					page = page[:0]
					if _, err := c.Page(ctx, links.Next, &page); err != nil || len(page) != 100 {
						b.Fatalf("%d projects, %v", len(page), err)
					}
				}
			})
			made := 0 // the benchmark function runs several times: names go on counting
			b.Run("create-project", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					made++
					if _, err := c.CreateProject(ctx, rg.ID, client.ProjectInput{Name: client.Ptr(fmt.Sprintf("new-%d", made))}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
