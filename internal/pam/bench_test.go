package pam

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/store"
	"github.com/keyward/keyward/internal/store/postgres"
	"github.com/keyward/keyward/internal/store/sqlite"
	"github.com/keyward/keyward/internal/store/storetest"
)

// benchStores runs fn on a SQLite file and on PostgreSQL, each with a team and a resource group.
func benchStores(b *testing.B, fn func(b *testing.B, svc *Service, teamID, rgID string)) {
	open := map[string]func(b *testing.B) (store.Store, error){
		"sqlite": func(b *testing.B) (store.Store, error) {
			return sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "keyward.db"))
		},
		"postgres": func(b *testing.B) (store.Store, error) {
			return postgres.Open(context.Background(), storetest.PostgresURL(b), 4)
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			s, err := open[name](b)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			ctx := context.Background()
			svc := &Service{Store: s, Clock: clock.NewVirtual(t0)}
			team, err := svc.CreateTeam(ctx, NewTeam{Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			rg, err := svc.CreateResourceGroup(ctx, team.Team.ID, ResourceGroupInput{Name: ptr("prod")})
			if err != nil {
				b.Fatal(err)
			}
			fn(b, svc, team.Team.ID, rg.ID)
		})
	}
}

func BenchmarkCreateProject(b *testing.B) {
	benchStores(b, func(b *testing.B, svc *Service, teamID, rgID string) {
		ctx := context.Background()
		i := 0
		for b.Loop() {
			if _, err := svc.CreateProject(ctx, teamID, rgID, ProjectInput{Name: ptr(fmt.Sprintf("p%07d", i))}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkListProjectsPage reads the middle page of 100 (asking for 101) of 250 projects.
func BenchmarkListProjectsPage(b *testing.B) {
	benchStores(b, func(b *testing.B, svc *Service, teamID, rgID string) {
		ctx := context.Background()
		for i := range 250 {
			if _, err := svc.CreateProject(ctx, teamID, rgID, ProjectInput{Name: ptr(fmt.Sprintf("p%03d", i))}); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			page, err := svc.ListProjects(ctx, teamID, rgID, store.Page{After: "p099", Limit: 101})
			if err != nil || len(page) != 101 {
				b.Fatalf("%d projects, %v", len(page), err)
			}
		}
	})
}
