package client

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// recorded is one request as the fake server saw it.
type recorded struct {
	Method, Path, Query, Auth, ContentType, Body string
}

// fakeServer is an in-memory implementation of the endpoints documented in
// docs/agent-protocol.md plus the two Okta listings the client calls.
type fakeServer struct {
	*httptest.Server
	adminToken    string
	pageSize      int  // pools per page of GET /api/v1/agentPools
	absoluteLinks bool // Link targets as absolute URLs instead of paths

	mu       sync.Mutex
	reqs     []recorded
	seq      int
	pools    []AgentPool
	agents   map[string]*PoolAgent   // by ID
	regs     map[string]string       // registration token → pool ID
	creds    map[string]string       // credential → agent ID
	pending  map[string]*Instruction // agent ID → instruction to hand out
	current  map[string]bool         // IDs of instructions still current
	progress map[string][]Progress   // instruction ID → reports
	releases []Release
	clock    ClockState
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{
		adminToken: "admin-secret", pageSize: 2,
		agents: map[string]*PoolAgent{}, regs: map[string]string{}, creds: map[string]string{},
		pending: map[string]*Instruction{}, current: map[string]bool{}, progress: map[string][]Progress{},
		clock: ClockState{Now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), Virtual: true},
	}
	mux := http.NewServeMux()
	admin := func(pattern string, h func(w http.ResponseWriter, r *http.Request, body []byte)) {
		mux.HandleFunc(pattern, f.wrap(func(w http.ResponseWriter, r *http.Request, body []byte) {
			if r.Header.Get("Authorization") != "SSWS "+f.adminToken {
				writeError(w, 401, "E0000011", "Invalid token provided")
				return
			}
			h(w, r, body)
		}))
	}
	admin("GET /api/v1/agentPools", f.listPools)
	admin("GET /api/v1/agentPools/{poolId}/updates", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeJSON(w, 200, []AgentPoolUpdate{{ID: "upd1", Name: "u", AgentType: "AD", Status: "Scheduled", TargetVersion: "3.22.0"}})
	})
	admin("POST /keyward/v1/agentPools", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in struct{ Name, Type string }
		json.Unmarshal(body, &in)
		p := AgentPool{ID: f.id("0oa"), Name: in.Name, Type: in.Type, OperationalStatus: StatusOperational}
		f.pools = append(f.pools, p)
		writeJSON(w, 201, p)
	})
	admin("POST /keyward/v1/agentPools/{poolId}/agents", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in struct{ Name, Version string }
		json.Unmarshal(body, &in)
		a := &PoolAgent{ID: f.id("a53"), Name: in.Name, Version: in.Version, PoolID: r.PathValue("poolId"), Type: "AD"}
		f.agents[a.ID] = a
		writeJSON(w, 201, a)
	})
	admin("POST /keyward/v1/agentPools/{poolId}/registrationTokens", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		tok := f.id("regtok")
		f.regs[tok] = r.PathValue("poolId")
		writeJSON(w, 201, RegistrationToken{ID: f.id("rt"), PoolID: r.PathValue("poolId"), Token: tok})
	})
	admin("GET /keyward/v1/releases", func(w http.ResponseWriter, r *http.Request, _ []byte) {
		out := []Release{}
		for _, rel := range f.releases {
			if t := r.URL.Query().Get("agentType"); t == "" || t == rel.AgentType {
				out = append(out, rel)
			}
		}
		writeJSON(w, 200, out)
	})
	admin("POST /keyward/v1/releases", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var rel Release
		json.Unmarshal(body, &rel)
		f.releases = append(f.releases, rel)
		writeJSON(w, 201, rel)
	})
	admin("POST /keyward/v1/serviceApps", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in ServiceAppRequest
		json.Unmarshal(body, &in)
		writeJSON(w, 201, ServiceApp{ClientID: f.id("0oasvc"), Name: in.Name, Scopes: in.Scopes})
	})
	admin("POST /keyward/v1/apiTokens", func(w http.ResponseWriter, r *http.Request, body []byte) {
		var in struct{ Name string }
		json.Unmarshal(body, &in)
		writeJSON(w, 201, APIToken{ID: f.id("tok"), Name: in.Name, Token: f.id("ssws")})
	})
	admin("GET /keyward/v1/clock", func(w http.ResponseWriter, r *http.Request, _ []byte) { writeJSON(w, 200, f.clock) })
	admin("POST /keyward/v1/clock", f.postClock)
	mux.HandleFunc("POST /agent/v1/register", f.wrap(f.register))
	mux.HandleFunc("POST /agent/v1/heartbeat", f.wrap(f.heartbeat))
	mux.HandleFunc("POST /agent/v1/instructions/{id}/progress", f.wrap(f.reportProgress))
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// wrap records the request and runs h under the lock.
func (f *fakeServer) wrap(h func(w http.ResponseWriter, r *http.Request, body []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(body)})
		h(w, r, body)
	}
}

func (f *fakeServer) id(prefix string) string { f.seq++; return fmt.Sprintf("%s%04d", prefix, f.seq) }

func (f *fakeServer) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakeServer) listPools(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	var match []AgentPool
	for _, p := range f.pools {
		if t := q.Get("poolType"); t == "" || t == p.Type {
			match = append(match, p)
		}
	}
	start := 0
	if after := q.Get("after"); after != "" {
		start, _ = strconv.Atoi(after)
	}
	end := min(start+f.pageSize, len(match))
	page := append([]AgentPool{}, match[start:end]...)
	for i := range page {
		for _, a := range f.agents {
			if a.PoolID == page[i].ID {
				page[i].Agents = append(page[i].Agents, *a)
			}
		}
	}
	prefix := ""
	if f.absoluteLinks {
		prefix = "http://" + r.Host
	}
	w.Header().Add("Link", fmt.Sprintf(`<%s%s>; rel="self"`, prefix, r.URL.RequestURI()))
	if end < len(match) {
		q.Set("after", strconv.Itoa(end))
		w.Header().Add("Link", fmt.Sprintf(`<%s/api/v1/agentPools?%s>; rel="next"`, prefix, q.Encode()))
	}
	writeJSON(w, 200, page)
}

func (f *fakeServer) postClock(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct{ Set, Advance string }
	json.Unmarshal(body, &in)
	if in.Set != "" {
		t, err := time.Parse(time.RFC3339, in.Set)
		if err != nil {
			writeError(w, 400, "E0000001", "Api validation failed: set", "set: not RFC 3339")
			return
		}
		f.clock.Now = t
	} else if d, err := time.ParseDuration(in.Advance); err == nil {
		f.clock.Now = f.clock.Now.Add(d)
	}
	writeJSON(w, 200, f.clock)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, summary string, causes ...string) {
	cs := []map[string]string{}
	for _, c := range causes {
		cs = append(cs, map[string]string{"errorSummary": c})
	}
	writeJSON(w, status, map[string]any{"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae123", "errorCauses": cs})
}
