package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
	"github.com/keyward/keyward/internal/ids"
	"github.com/keyward/keyward/internal/store"
)

// BenchmarkListAgentPools measures GET /api/v1/agentPools through the whole HTTP stack of a real
// server on SQLite: authentication, rate limiting, the store queries and the JSON answer.
//
//	go test -run '^$' -bench ListAgentPools ./test/e2e
func BenchmarkListAgentPools(b *testing.B) {
	b.Run("pools=50,agents=10", func(b *testing.B) {
		s := benchServer(b)
		seedPools(b, s, 50, 10)
		for _, limit := range []int{5, 50} {
			b.Run(fmt.Sprintf("limitPerPoolType=%d", limit), func(b *testing.B) {
				benchPage(b, s, fmt.Sprintf("/api/v1/agentPools?limitPerPoolType=%d", limit), limit)
			})
		}
	})
	// A page is read by key range, so its cost must not grow with the org: the same page size
	// over 100 and 100,000 pools, at the start of the list and half way through it.
	for _, n := range []int{100, 100_000} {
		b.Run(fmt.Sprintf("pools=%d,agents=1", n), func(b *testing.B) {
			s := benchServer(b)
			seedPools(b, s, n, 1)
			b.Run("first-page", func(b *testing.B) {
				benchPage(b, s, "/api/v1/agentPools?limitPerPoolType=5", 5)
			})
			b.Run("middle-page", func(b *testing.B) {
				benchPage(b, s, middlePage(b, s, n, 5), 5)
			})
		})
	}
}

func benchServer(b *testing.B) *apptest.Server {
	return apptest.Start(b, apptest.Options{Configure: func(c *config.Config) {
		c.RateLimit = 1 << 30
		c.TickInterval = time.Hour
	}})
}

// seedPools writes n AD pools of agentsPerPool agents each straight into the store, in batches.
func seedPools(b *testing.B, s *apptest.Server, n, agentsPerPool int) {
	b.Helper()
	ctx := context.Background()
	st := s.App.Store()
	tok, err := st.GetAPITokenByHash(ctx, ids.Hash(apptest.AdminToken))
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	const batch = 5000
	for first := 0; first < n; first += batch {
		err := st.InTx(ctx, func(q store.Queries) error {
			for i := first; i < min(first+batch, n); i++ {
				p := store.Pool{ID: ids.New(ids.Pool), OrgID: tok.OrgID, Name: fmt.Sprintf("directory-%06d", i), Type: "AD", CreatedAt: now}
				if err := q.CreatePool(ctx, p); err != nil {
					return err
				}
				for k := range agentsPerPool {
					if err := q.CreateAgent(ctx, store.Agent{ID: ids.New(ids.Agent), OrgID: tok.OrgID, PoolID: p.ID,
						Name: fmt.Sprintf("agent-%d", k+1), Type: "AD", Version: agentVersion, Healthy: true,
						LastConnection: now, CreatedAt: now}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("seed pools: %v", err)
		}
	}
}

// middlePage returns the path of the page of limit pools that starts half way through the n
// pools, found by following the next links.
func middlePage(b *testing.B, s *apptest.Server, n, limit int) string {
	b.Helper()
	step := min(200, n/2)
	next := fmt.Sprintf("%s/api/v1/agentPools?limitPerPoolType=%d", s.URL, step)
	for seen := 0; seen < n/2; seen += step {
		resp, err := s.HTTP.Do(authorized(b, next))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if next = client.NextLink(resp.Header); next == "" {
			b.Fatalf("no next page after %d of %d pools", seen+step, n)
		}
	}
	u, err := url.Parse(next)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("limitPerPoolType", strconv.Itoa(limit))
	return u.Path + "?" + q.Encode()
}

func authorized(b *testing.B, u string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
	req.Header.Set("Accept", "application/json")
	return req
}

// benchPage checks the page once against the spec, then times fetching it.
func benchPage(b *testing.B, s *apptest.Server, path string, wantPools int) {
	status, body := call(b, s, http.MethodGet, path, nil)
	if status != http.StatusOK {
		b.Fatalf("GET %s: %d %s", path, status, body)
	}
	if pools := decode[[]struct{ ID string }](b, body); len(pools) != wantPools {
		b.Fatalf("GET %s: %d pools, want %d", path, len(pools), wantPools)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	req := authorized(b, s.URL+path)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
	}
	b.ReportMetric(float64(wantPools), "pools/page")
}
