package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAPIErrorFromOktaBody(t *testing.T) {
	f := newFakeServer(t)
	ctx := context.Background()
	_, err := New(f.URL, WithToken("wrong")).CreatePool(ctx, "p", "AD")
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %T %v, want *APIError", err, err)
	}
	if apiErr.Status != 401 || apiErr.Code != "E0000011" || apiErr.Summary != "Invalid token provided" || apiErr.ID != "oae123" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if StatusCode(err) != 401 || ErrorCode(err) != "E0000011" {
		t.Errorf("StatusCode/ErrorCode = %d/%q", StatusCode(err), ErrorCode(err))
	}

	_, err = New(f.URL, WithToken(f.adminToken)).SetClock(ctx, time.Time{}.AddDate(20000, 0, 0))
	if !errors.As(err, &apiErr) || apiErr.Status != 400 || apiErr.Code != "E0000001" ||
		!reflect.DeepEqual(apiErr.Causes, []string{"set: not RFC 3339"}) {
		t.Fatalf("err = %#v", err)
	}
	if want := "keyward: HTTP 400 E0000001: Api validation failed: set (set: not RFC 3339)"; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestAPIErrorFromOtherBodies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/keyward/v1/clock" {
			http.Error(w, "upstream exploded", http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c := New(srv.URL)
	_, err := c.GetClock(context.Background())
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 502 || apiErr.Summary != "upstream exploded" || apiErr.Code != "" {
		t.Errorf("text body: err = %#v", err)
	}
	_, err = c.ListReleases(context.Background(), "")
	if !errors.As(err, &apiErr) || apiErr.Status != 503 || apiErr.Summary != "Service Unavailable" {
		t.Errorf("empty body: err = %#v", err)
	}
	if StatusCode(fmt.Errorf("wrapped: %w", err)) != 503 || StatusCode(errors.New("x")) != 0 {
		t.Error("StatusCode does not unwrap")
	}
}

func TestListAgentPoolsFollowsLinks(t *testing.T) {
	for _, absolute := range []bool{false, true} {
		t.Run(fmt.Sprintf("absolute=%v", absolute), func(t *testing.T) {
			f := newFakeServer(t)
			f.absoluteLinks = absolute
			c := New(f.URL, WithToken(f.adminToken))
			ctx := context.Background()
			var want []string
			for i := range 5 {
				p, err := c.CreatePool(ctx, fmt.Sprintf("ad-%d", i), "AD")
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, p.ID)
				if _, err := c.CreatePool(ctx, fmt.Sprintf("ldap-%d", i), "LDAP"); err != nil {
					t.Fatal(err)
				}
			}
			before := len(f.requests())
			pools, err := c.ListAgentPools(ctx, "AD")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range pools {
				got = append(got, p.ID)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("pools = %v, want %v", got, want)
			}
			reqs := f.requests()[before:]
			if len(reqs) != 3 {
				t.Fatalf("%d page requests, want 3", len(reqs))
			}
			for i, r := range reqs {
				if r.Method != "GET" || r.Path != "/api/v1/agentPools" || !strings.Contains(r.Query, "poolType=AD") || r.Auth != "SSWS admin-secret" {
					t.Errorf("page %d: %+v", i, r)
				}
			}
			if all, err := c.ListAgentPools(ctx, ""); err != nil || len(all) != 10 {
				t.Errorf("all types: %d pools, %v", len(all), err)
			}
		})
	}
}

func TestListEmpty(t *testing.T) {
	f := newFakeServer(t)
	pools, err := New(f.URL, WithToken(f.adminToken)).ListAgentPools(context.Background(), "RUM")
	if err != nil || pools == nil || len(pools) != 0 {
		t.Errorf("ListAgentPools = %#v, %v; want empty non-nil", pools, err)
	}
}

func TestPagingRefusesForeignHostsAndLoops(t *testing.T) {
	var link string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", link)
		w.Write([]byte(`[{"id":"p1"}]`))
	}))
	defer srv.Close()
	c := New(srv.URL, WithToken("t"))
	link = `<http://elsewhere.example/api/v1/agentPools?after=1>; rel="next"`
	if _, err := c.ListAgentPools(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "leaves") {
		t.Errorf("foreign host: err = %v", err)
	}
	link = `</api/v1/agentPools>; rel="next"`
	if _, err := c.ListAgentPools(context.Background(), ""); err == nil || !strings.Contains(err.Error(), "loops") {
		t.Errorf("loop: err = %v", err)
	}
}

func TestNextLink(t *testing.T) {
	cases := []struct {
		header []string
		want   string
	}{
		{nil, ""},
		{[]string{`<https://x/a?after=1>; rel="next"`}, "https://x/a?after=1"},
		{[]string{`<https://x/a>; rel="self"`, `<https://x/a?after=2>; rel="next"`}, "https://x/a?after=2"},
		{[]string{`<https://x/a>; rel="self", </a?after=3&limit=2>; rel=next`}, "/a?after=3&limit=2"},
		{[]string{`<https://x/a?b=1,2>; title="t"; REL="prev next"`}, "https://x/a?b=1,2"},
		{[]string{`<https://x/a>; rel="self"; rel-next="x"`}, ""},
		{[]string{`<https://x/a>; rel="nextpage"`}, ""},
	}
	for _, c := range cases {
		h := http.Header{}
		for _, v := range c.header {
			h.Add("Link", v)
		}
		if got := NextLink(h); got != c.want {
			t.Errorf("NextLink(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}

func TestContextCancelsCall(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := NewAgent(srv.URL, "cred").Heartbeat(ctx, HeartbeatRequest{Version: "1"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("call took %v after cancellation", time.Since(start))
	}
}
