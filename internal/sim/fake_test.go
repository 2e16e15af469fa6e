package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
)

const fakeToken = "admin-secret"

// event is one agent-protocol call the fake server accepted.
type event struct {
	at                          time.Time
	kind                        string // register, heartbeat or progress
	agent                       string // agent name
	version                     string
	healthy                     bool
	instruction, state, message string
}

type fakeAgent struct{ id, name, poolID string }

// fakeKeyward implements, in memory, the parts of keyward the sim uses. It
// hands out Offer (once) to the first agent that heartbeats after it is set.
type fakeKeyward struct {
	*httptest.Server
	mu             sync.Mutex
	seq            int
	pageSize       int
	pools          []client.AgentPool
	poolCreates    int
	agents         map[string]*fakeAgent // by ID
	regs           map[string]string     // registration token → pool ID
	creds          map[string]string     // credential → agent ID
	releases       []client.Release
	offer          *client.Instruction
	stale          bool // progress reports answer 409
	failHeartbeats int  // answer this many heartbeats with 503
	requests       int
	events         []event
}

func newFake(t *testing.T) *fakeKeyward {
	f := &fakeKeyward{pageSize: 1, agents: map[string]*fakeAgent{}, regs: map[string]string{}, creds: map[string]string{}}
	mux := http.NewServeMux()
	admin := func(pattern string, h http.HandlerFunc) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "SSWS "+fakeToken {
				fakeError(w, 401, "E0000011", "Invalid token provided")
				return
			}
			h(w, r)
		})
	}
	admin("GET /api/v1/agentPools", f.listPools)
	admin("POST /keyward/v1/agentPools", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name, Type string }
		json.NewDecoder(r.Body).Decode(&in)
		p := client.AgentPool{ID: f.id("0oa"), Name: in.Name, Type: in.Type}
		f.pools = append(f.pools, p)
		f.poolCreates++
		fakeJSON(w, 201, p)
	})
	admin("POST /keyward/v1/agentPools/{poolId}/registrationTokens", func(w http.ResponseWriter, r *http.Request) {
		tok := f.id("reg")
		f.regs[tok] = r.PathValue("poolId")
		fakeJSON(w, 201, client.RegistrationToken{ID: f.id("rt"), PoolID: r.PathValue("poolId"), Token: tok})
	})
	admin("GET /keyward/v1/releases", func(w http.ResponseWriter, r *http.Request) {
		fakeJSON(w, 200, append([]client.Release{}, f.releases...))
	})
	mux.HandleFunc("POST /agent/v1/register", f.register)
	mux.HandleFunc("POST /agent/v1/heartbeat", f.heartbeat)
	mux.HandleFunc("POST /agent/v1/instructions/{id}/progress", f.progress)
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.requests++
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeKeyward) id(prefix string) string { f.seq++; return fmt.Sprintf("%s%04d", prefix, f.seq) }

func (f *fakeKeyward) listPools(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var match []client.AgentPool
	for _, p := range f.pools {
		if t := q.Get("poolType"); t == "" || t == p.Type {
			match = append(match, p)
		}
	}
	start, _ := strconv.Atoi(q.Get("after"))
	end := min(start+f.pageSize, len(match))
	if end < len(match) {
		q.Set("after", strconv.Itoa(end))
		w.Header().Set("Link", `</api/v1/agentPools?`+q.Encode()+`>; rel="next"`)
	}
	fakeJSON(w, 200, append([]client.AgentPool{}, match[start:end]...))
}

func (f *fakeKeyward) register(w http.ResponseWriter, r *http.Request) {
	poolID, ok := f.regs[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		fakeError(w, 401, "E0000011", "Invalid token provided")
		return
	}
	var in client.RegisterRequest
	json.NewDecoder(r.Body).Decode(&in)
	var a *fakeAgent
	for _, x := range f.agents {
		if x.poolID == poolID && x.name == in.Name {
			a = x
		}
	}
	if a == nil {
		a = &fakeAgent{id: f.id("a53"), name: in.Name, poolID: poolID}
		f.agents[a.id] = a
	}
	for c, id := range f.creds {
		if id == a.id {
			delete(f.creds, c)
		}
	}
	cred := f.id("cred")
	f.creds[cred] = a.id
	f.events = append(f.events, event{at: time.Now(), kind: "register", agent: a.name, version: in.Version})
	fakeJSON(w, 201, client.Registration{AgentID: a.id, PoolID: poolID, AgentType: "AD", Credential: cred, HeartbeatIntervalSeconds: 30})
}

func (f *fakeKeyward) agentFor(w http.ResponseWriter, r *http.Request) *fakeAgent {
	id, ok := f.creds[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		fakeError(w, 401, "E0000011", "Invalid token provided")
		return nil
	}
	return f.agents[id]
}

func (f *fakeKeyward) heartbeat(w http.ResponseWriter, r *http.Request) {
	a := f.agentFor(w, r)
	if a == nil {
		return
	}
	if f.failHeartbeats > 0 {
		f.failHeartbeats--
		fakeError(w, 503, "E0000009", "Service unavailable")
		return
	}
	var in client.HeartbeatRequest
	json.NewDecoder(r.Body).Decode(&in)
	f.events = append(f.events, event{at: time.Now(), kind: "heartbeat", agent: a.name, version: in.Version, healthy: in.Healthy, message: in.Message})
	resp := client.HeartbeatResponse{Now: time.Now().UTC(), HeartbeatIntervalSeconds: 30, Instruction: f.offer}
	if f.offer != nil {
		f.events[len(f.events)-1].instruction = f.offer.ID
		f.offer = nil
	}
	fakeJSON(w, 200, resp)
}

func (f *fakeKeyward) progress(w http.ResponseWriter, r *http.Request) {
	a := f.agentFor(w, r)
	if a == nil {
		return
	}
	if f.stale {
		fakeError(w, 409, "E0000001", "Api validation failed: instruction is no longer current")
		return
	}
	var p client.Progress
	json.NewDecoder(r.Body).Decode(&p)
	f.events = append(f.events, event{at: time.Now(), kind: "progress", agent: a.name, instruction: r.PathValue("id"), state: p.State, message: p.Message})
	w.WriteHeader(http.StatusNoContent)
}

func fakeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fakeError(w http.ResponseWriter, status int, code, summary string) {
	fakeJSON(w, status, map[string]any{"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae1", "errorCauses": []any{}})
}

// set runs fn under the server's lock.
func (f *fakeKeyward) set(fn func(f *fakeKeyward)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// find returns the events that match keep.
func (f *fakeKeyward) find(keep func(e event) bool) []event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []event
	for _, e := range f.events {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

func (f *fakeKeyward) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}
