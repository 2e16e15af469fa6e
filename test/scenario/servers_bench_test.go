package scenario

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/clock"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/store/storetest"
)

// The server benchmark's fleet: servers with benchAccounts local accounts each, heartbeating
// every benchHeartbeat of virtual time for benchRounds rounds.
const (
	benchAccounts     = 10
	benchRounds       = 3
	benchServerWorker = 16 // servers acting at once
)

// BenchmarkServers2k enrolls 2,000 simulated OPA servers with 10 accounts each into one project
// of a keyward running in its own process, heartbeats them every 30 s of virtual time for three
// rounds, and lists the project's servers and accounts through the OPA API. It reports the
// server's CPU per enrollment and per heartbeat, its peak memory, and the time to read each list
// in full (pages of 100). KEYWARD_BENCH_SERVERS overrides the number of servers for a quick run.
func BenchmarkServers2k(b *testing.B) {
	n := 2_000
	if v, err := strconv.Atoi(os.Getenv("KEYWARD_BENCH_SERVERS")); err == nil && v > 0 {
		n = v
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				benchServers(b, backend, n)
			}
		})
	}
}

func benchServers(b *testing.B, backend string, n int) {
	ctx := context.Background()
	url := "sqlite:" + b.TempDir() + "/keyward.db"
	if backend == "postgres" {
		url = storetest.PostgresURL(b)
	}
	p := startProcess(b, url, "KEYWARD_OPA_TEAM=acme", "KEYWARD_OPA_KEY_ID=key-1", "KEYWARD_OPA_KEY_SECRET="+opaSecret)
	rgID, prID := benchProject(b, url)
	admin := client.New(p.URL, client.WithToken(apptest.AdminToken))
	opa := client.NewOPA(p.URL, "acme", "key-1", opaSecret)
	tok, err := opa.CreateServerEnrollmentToken(ctx, rgID, prID, "benchmark")
	if err != nil {
		b.Fatal(err)
	}
	accounts := []string{"root"}
	for j := 1; j < benchAccounts; j++ {
		accounts = append(accounts, fmt.Sprintf("user-%d", j))
	}

	p.resetPeak()
	agents := make([]*client.ServerAgent, n)
	cpu0, wall0 := p.cpu(b), time.Now()
	b.StartTimer()
	err = parallel(n, benchServerWorker, func(i int) error {
		en, err := admin.EnrollServer(ctx, tok.Token, client.Enrollment{Hostname: fmt.Sprintf("bench-%05d", i), OSType: "linux",
			Accounts: accounts})
		if err == nil {
			agents[i] = admin.ServerAgent(en.Credential)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	enrollCPU, enrollWall := p.cpu(b)-cpu0, time.Since(wall0)
	cpu0, wall0 = p.cpu(b), time.Now()
	for range benchRounds {
		if _, err := admin.AdvanceClock(ctx, benchHeartbeat); err != nil {
			b.Fatal(err)
		}
		if err := parallel(n, benchServerWorker, func(i int) error {
			_, err := agents[i].Heartbeat(ctx, accounts)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	beatCPU, beatWall := p.cpu(b)-cpu0, time.Since(wall0)
	t0 := time.Now()
	servers, err := opa.ListProjectServers(ctx, rgID, prID, client.ServerFilter{})
	listServers := time.Since(t0)
	t0 = time.Now()
	all, aerr := opa.ListProjectServerAccounts(ctx, rgID, prID)
	listAccounts := time.Since(t0)
	b.StopTimer()
	if err != nil || aerr != nil || len(servers) != n || len(all) != n*benchAccounts {
		b.Fatalf("listed %d servers, %d accounts: %v %v", len(servers), len(all), err, aerr)
	}
	beats := float64(n * benchRounds)
	b.ReportMetric(float64(enrollCPU.Microseconds())/float64(n), "server-cpu-µs/enroll")
	b.ReportMetric(float64(n)/enrollWall.Seconds(), "enroll/s")
	b.ReportMetric(float64(beatCPU.Microseconds())/beats, "server-cpu-µs/heartbeat")
	b.ReportMetric(beats/beatWall.Seconds(), "heartbeat/s")
	b.ReportMetric(float64(p.peakRSS(b))/(1<<20), "server-peak-MB")
	b.ReportMetric(listServers.Seconds()*1000, "list-servers-ms")
	b.ReportMetric(listAccounts.Seconds()*1000, "list-accounts-ms")
}

// benchProject makes the benchmark's resource group and project (account discovery on) in the
// server's database, through the domain.
func benchProject(b *testing.B, url string) (string, string) {
	ctx := context.Background()
	cfg := config.Default()
	cfg.DatabaseURL = url
	s, err := app.OpenStore(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	team, err := s.GetTeamByName(ctx, "acme")
	if err != nil {
		b.Fatal(err)
	}
	svc := &pam.Service{Store: s, Clock: clock.Real{}}
	rg, err := svc.CreateResourceGroup(ctx, team.ID, pam.ResourceGroupInput{Name: ptr("bench")})
	if err != nil {
		b.Fatal(err)
	}
	pr, err := svc.CreateProject(ctx, team.ID, rg.ID, pam.ProjectInput{Name: ptr("fleet"), ServerAccountManagement: ptr(true)})
	if err != nil {
		b.Fatal(err)
	}
	return rg.ID, pr.ID
}
