package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/pam"
	"github.com/keyward/keyward/internal/secret"
	"github.com/keyward/keyward/internal/store"
)

// The ratio benchmarks serve one request through keyward and, in the same run, the very same
// answer (status, headers, body) from a bare net/http handler, over the same kind of client. On a
// shared machine absolute figures wander with the load; the ratio of the two, taken seconds apart,
// does not. They report:
//
//	ratio       bare time / keyward time for the same number of requests (1 = as fast as bare)
//	cpu-ratio   bare CPU / keyward CPU for them: steadier than ratio when other work shares the CPUs
//	cpu-us/req  CPU of the whole process (client and server) per keyward request
//	bare-cpu-us/req  the same for the bare server: the difference is keyward's own cost
//	p99-ms      the 99th percentile latency of keyward requests sent at half the measured rate
//
// ns/op and allocs/op count keyward's requests only.
const ratioConns = 16

// ratioRequest builds the request to time against a base URL.
type ratioRequest func(b *testing.B, base string) *http.Request

// benchRatio times b.N requests against keyward (at base) and b.N against a bare server answering
// what keyward answered to the first one, then a paced run at half keyward's rate for p99.
func benchRatio(b *testing.B, base string, newReq ratioRequest, wantStatus int) {
	b.Helper()
	status, header, body := fetch(b, newReq(b, base))
	if status != wantStatus {
		b.Fatalf("%d %s, want %d", status, body, wantStatus)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	b.Cleanup(bare.Close)

	// Warm both up so that connections are open before timing.
	hammer(b, base, newReq, wantStatus, 4*ratioConns)
	hammer(b, bare.URL, newReq, wantStatus, 4*ratioConns)

	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	kw := hammer(b, base, newReq, wantStatus, b.N)
	kwCPU := processCPU() - cpu0
	b.StopTimer()
	cpu0 = processCPU()
	bareTime := hammer(b, bare.URL, newReq, wantStatus, b.N)
	bareCPU := processCPU() - cpu0

	b.ReportMetric(float64(bareTime)/float64(kw), "ratio")
	b.ReportMetric(float64(bareCPU)/float64(max(kwCPU, 1)), "cpu-ratio")
	b.ReportMetric(float64(kwCPU.Microseconds())/float64(b.N), "cpu-us/req")
	b.ReportMetric(float64(bareCPU.Microseconds())/float64(b.N), "bare-cpu-us/req")
	b.ReportMetric(float64(len(body)), "bytes/answer")
	if b.N >= 200 {
		rate := float64(b.N) / kw.Seconds()
		b.ReportMetric(rate, "req/s")
		b.ReportMetric(float64(p99AtRate(b, base, newReq, wantStatus, rate/2).Microseconds())/1000, "p99-ms")
	}
	b.StartTimer()
}

func fetch(b *testing.B, req *http.Request) (int, http.Header, []byte) {
	b.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	h := resp.Header.Clone()
	h.Del("Date")
	h.Del("Content-Length")
	return resp.StatusCode, h, body
}

func ratioClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ratioConns, MaxConnsPerHost: ratioConns}}
}

// hammer sends n requests over ratioConns connections as fast as they are answered.
func hammer(b *testing.B, base string, newReq ratioRequest, wantStatus, n int) time.Duration {
	hc := ratioClient()
	defer hc.CloseIdleConnections()
	var left atomic.Int64
	left.Store(int64(n))
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Value
	for range ratioConns {
		wg.Go(func() {
			req := newReq(b, base)
			for left.Add(-1) >= 0 {
				if err := send(hc, req, wantStatus); err != "" {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

func send(hc *http.Client, req *http.Request, wantStatus int) string {
	if req.GetBody != nil { // a request with a body is sent again with a fresh reader
		body, err := req.GetBody()
		if err != nil {
			return err.Error()
		}
		req.Body = body
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err.Error()
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err.Error()
	}
	if resp.StatusCode != wantStatus {
		return resp.Status
	}
	return ""
}

// p99AtRate sends requests at rate per second (open loop, spread over ratioConns connections) for
// about a second, at least 200, and returns the 99th percentile of their latencies, counted from
// when each was due so that a stall also delays the requests queued behind it.
func p99AtRate(b *testing.B, base string, newReq ratioRequest, wantStatus int, rate float64) time.Duration {
	n := max(200, int(rate))
	hc := ratioClient()
	defer hc.CloseIdleConnections()
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range ratioConns {
		wg.Go(func() {
			req := newReq(b, base)
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				due := start.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(due))
				if err := send(hc, req, wantStatus); err != "" {
					b.Error(err)
					return
				}
				lat[i] = time.Since(due)
			}
		})
	}
	wg.Wait()
	slices.Sort(lat)
	return lat[len(lat)*99/100]
}

// processCPU is the user and system time of this process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRatio compares keyward with a bare server sending the same bytes, on each store:
// the agent pools page (50 pools × 10 agents, the default page), an Okta 429 (a known token over
// its org's limit), OPA's list of a resource group's projects, of a project's servers and of its
// server accounts (pages of 100 out of 250), and an end user's reveal of a server account's
// password (policy evaluation, the checkout held, the password opened and encrypted to the
// caller's key as a JWE).
//
//	go test -run '^$' -bench Ratio -benchtime 3000x ./test/e2e   (PostgreSQL with KEYWARD_TEST_POSTGRES_URL)
func BenchmarkRatio(b *testing.B) {
	for _, db := range backends {
		b.Run("agentPools/"+db.name, func(b *testing.B) {
			s := apptest.Start(b, apptest.Options{Postgres: db.postgres, Configure: func(c *config.Config) {
				c.RateLimit = 1 << 30
				c.TickInterval = time.Hour
			}})
			seedPools(b, s, 50, 10)
			benchRatio(b, s.URL, sswsGet("/api/v1/agentPools"), http.StatusOK)
		})
		b.Run("rateLimited/"+db.name, func(b *testing.B) {
			s := apptest.Start(b, apptest.Options{Postgres: db.postgres, Configure: func(c *config.Config) {
				c.RateLimit = 1
				c.TickInterval = time.Hour
			}})
			if status, body := call(b, s, http.MethodGet, "/api/v1/agentPools", nil); status != http.StatusOK {
				b.Fatalf("%d %s", status, body)
			}
			benchRatio(b, s.URL, sswsGet("/api/v1/agentPools"), http.StatusTooManyRequests)
		})
		b.Run("opaProjects/"+db.name, func(b *testing.B) {
			ctx := context.Background()
			s, c, svc, teamID := opaServer(b, db.postgres)
			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			for i := range 250 {
				name := fmt.Sprintf("p%03d", i)
				if _, err := svc.CreateProject(ctx, teamID, rg.ID, pam.ProjectInput{Name: &name}); err != nil {
					b.Fatal(err)
				}
			}
			token := tradeKey(b, s, "acme", "key-1", opaKeySecret)
			benchRatio(b, s.URL, bearerGet(token, "/v1/teams/acme/resource_groups/"+rg.ID+"/projects?count=100"), http.StatusOK)
		})
		b.Run("opaServers/"+db.name, func(b *testing.B) {
			ctx := context.Background()
			s, c, _, teamID := opaServer(b, db.postgres)
			rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			p, err := c.CreateProject(ctx, rg.ID, client.ProjectInput{Name: client.Ptr("fleet")})
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now().UTC()
			for i := range 250 {
				if err := s.App.Store().CreateServer(ctx, store.Server{ID: fmt.Sprintf("%08d-0000-4000-8000-000000000000", i),
					TeamID: teamID, ResourceGroupID: rg.ID, ProjectID: p.ID, Hostname: fmt.Sprintf("web-%03d.example", i),
					OSType: "linux", OS: "Ubuntu 24.04", AgentVersion: "1.90.0", Labels: map[string]string{"env": "prod"},
					CredentialHash: ids.Hash(fmt.Sprint("server-", i)), RegisteredAt: now, LastSeen: now}); err != nil {
					b.Fatal(err)
				}
			}
			token := tradeKey(b, s, "acme", "key-1", opaKeySecret)
			benchRatio(b, s.URL, bearerGet(token, "/v1/teams/acme/resource_groups/"+rg.ID+"/projects/"+p.ID+"/servers?count=100"), http.StatusOK)
		})
		b.Run("opaServerAccounts/"+db.name, func(b *testing.B) {
			f := newRevealFixture(b, db.postgres, 25, 10)
			token := tradeKey(b, f.s, "acme", "key-1", opaKeySecret)
			benchRatio(b, f.s.URL, bearerGet(token, "/v1/teams/acme/resource_groups/"+f.rgID+"/projects/"+f.projectID+"/server_accounts?count=100"), http.StatusOK)
		})
		b.Run("opaReveal/"+db.name, func(b *testing.B) {
			f := newRevealFixture(b, db.postgres, 1, 1)
			body, err := json.Marshal(map[string]any{"public_key": f.jwk,
				"user_access_method": map[string]any{"access_credential": "encrypted-ssh-password"}})
			if err != nil {
				b.Fatal(err)
			}
			benchRatio(b, f.s.URL, bearerPost(f.userToken, "/v1/teams/acme/server_accounts/"+f.accountIDs[0]+"/reveal_credentials", body), http.StatusOK)
		})
	}
}

// revealFixture is a project managing its servers' accounts (checkout required), servers
// labelled env=prod with accounts whose passwords are stored, and an end user (alice, by a
// user token) whose group's policy grants password_checkout_ssh on them.
type revealFixture struct {
	s               *apptest.Server
	rgID, projectID string
	accountIDs      []string
	userToken       string
	jwk             json.RawMessage
}

func newRevealFixture(b *testing.B, postgres bool, servers, accountsPerServer int) *revealFixture {
	b.Helper()
	ctx := context.Background()
	s, c, svc, teamID := opaServer(b, postgres)
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	rg, err := c.CreateResourceGroup(ctx, client.ResourceGroup{Name: "bench"})
	must(err)
	p, err := svc.CreateProject(ctx, teamID, rg.ID, pam.ProjectInput{Name: client.Ptr("vault"), ServerAccountManagement: client.Ptr(true)})
	must(err)
	_, err = c.UpdateServerPasswordPolicy(ctx, rg.ID, p.ID, client.PasswordPolicy{MinLengthInBytes: 20, MaxLengthInBytes: 24,
		CharacterOptions: client.PasswordCharacterOptions{UpperCase: true, LowerCase: true, Digits: true}})
	must(err)
	must(c.UpdateServerCheckoutSettings(ctx, rg.ID, p.ID, client.CheckoutSettings{CheckoutRequired: true,
		CheckoutDurationInSeconds: 900, IncludeList: []string{}, ExcludeList: []string{}}))
	raw, err := secret.LoadKey(s.Config.SecretKey, filepath.Join(s.Config.DataDir, "keyward.key"))
	must(err)
	box, err := secret.New(raw)
	must(err)
	f := &revealFixture{s: s, rgID: rg.ID, projectID: p.ID}
	now := time.Now().UTC()
	st := s.App.Store()
	for i := range servers {
		serverID := fmt.Sprintf("%08d-0000-4000-8000-000000000000", i)
		must(st.CreateServer(ctx, store.Server{ID: serverID, TeamID: teamID, ResourceGroupID: rg.ID, ProjectID: p.ID,
			Hostname: fmt.Sprintf("vault-%03d.example", i), OSType: "linux", OS: "Ubuntu 24.04", AgentVersion: "1.90.0",
			Labels: map[string]string{"env": "prod"}, CredentialHash: ids.Hash(fmt.Sprint("server-", i)), RegisteredAt: now, LastSeen: now}))
		for j := range accountsPerServer {
			id := fmt.Sprintf("%08d-%04d-4000-8000-000000000000", i, j)
			must(st.CreateServerAccount(ctx, store.ServerAccount{ID: id, TeamID: teamID, ResourceGroupID: rg.ID, ProjectID: p.ID,
				ServerID: serverID, Login: fmt.Sprintf("user-%02d", j), CreatedAt: now}))
			must(st.CreateCheckout(ctx, store.Checkout{AccountID: id, ResourceType: pam.ResourceServerAccountPassword, TeamID: teamID,
				ResourceGroupID: rg.ID, ProjectID: p.ID, State: store.CheckoutAvailable,
				Password: base64.StdEncoding.EncodeToString(box.Seal([]byte("s3cret-password-of-an-account")))}))
			f.accountIDs = append(f.accountIDs, id)
		}
	}
	_, err = s.Client.CreateTeamUser(ctx, "acme", client.TeamUser{Name: "alice", Email: "alice@example.com", FirstName: "A", LastName: "L"})
	must(err)
	g, err := c.CreateGroup(ctx, "ops", []string{})
	must(err)
	must(c.AddUserToGroup(ctx, "ops", "alice"))
	_, err = c.CreateSecurityPolicy(ctx, client.SecurityPolicy{Name: "vault access", Active: true,
		Principals:    client.SecurityPolicyPrincipals{UserGroups: []client.NamedObject{{ID: g.ID}}},
		ResourceGroup: &client.NamedObject{ID: rg.ID},
		Rules: []client.SecurityPolicyRule{{Name: "prod", ResourceType: "server_based_resource",
			ResourceSelector: client.ServerSelector(client.ServerLabels(map[string]string{"env": "prod"})),
			Privileges:       []client.SecurityPolicyPrivilege{client.Grant("password_checkout_ssh")}}}})
	must(err)
	ut, err := s.Client.MintUserToken(ctx, "acme", "alice")
	must(err)
	f.userToken = ut.BearerToken
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(err)
	f.jwk, err = jose.JSONWebKey{Key: &key.PublicKey, Algorithm: "RSA-OAEP-256", Use: "enc"}.MarshalJSON()
	must(err)
	return f
}

func bearerPost(token, path string, body []byte) ratioRequest {
	return func(b *testing.B, base string) *http.Request {
		req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Content-Type", "application/json")
		return req
	}
}

func sswsGet(path string) ratioRequest {
	return func(b *testing.B, base string) *http.Request {
		return authorized(b, base+path)
	}
}

func bearerGet(token, path string) ratioRequest {
	return func(b *testing.B, base string) *http.Request {
		req, err := http.NewRequest(http.MethodGet, base+path, nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		return req
	}
}
