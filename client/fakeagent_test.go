package client

import (
	"encoding/json"
	"net/http"
	"strings"
)

// The agent-protocol half of the fake server.

func (f *fakeServer) register(w http.ResponseWriter, r *http.Request, body []byte) {
	poolID, ok := f.regs[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		writeError(w, 401, "E0000011", "Invalid token provided")
		return
	}
	var in RegisterRequest
	json.Unmarshal(body, &in)
	var agent *PoolAgent
	for _, a := range f.agents {
		if a.PoolID == poolID && a.Name == in.Name {
			agent = a
		}
	}
	if agent == nil {
		agent = &PoolAgent{ID: f.id("a53"), Name: in.Name, PoolID: poolID, Type: "AD"}
		f.agents[agent.ID] = agent
	}
	agent.Version = in.Version
	for c, id := range f.creds {
		if id == agent.ID {
			delete(f.creds, c)
		}
	}
	cred := f.id("cred")
	f.creds[cred] = agent.ID
	writeJSON(w, 201, Registration{AgentID: agent.ID, PoolID: poolID, AgentType: agent.Type, Credential: cred, HeartbeatIntervalSeconds: 30})
}

// agentFor returns the agent a Bearer credential belongs to, or answers 401.
func (f *fakeServer) agentFor(w http.ResponseWriter, r *http.Request) *PoolAgent {
	id, ok := f.creds[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok {
		writeError(w, 401, "E0000011", "Invalid token provided")
		return nil
	}
	return f.agents[id]
}

func (f *fakeServer) heartbeat(w http.ResponseWriter, r *http.Request, body []byte) {
	a := f.agentFor(w, r)
	if a == nil {
		return
	}
	var in HeartbeatRequest
	json.Unmarshal(body, &in)
	a.Version, a.LastConnection = in.Version, f.clock.Now.UnixMilli()
	resp := HeartbeatResponse{Now: f.clock.Now, HeartbeatIntervalSeconds: 30, Instruction: f.pending[a.ID]}
	delete(f.pending, a.ID)
	writeJSON(w, 200, resp)
}

func (f *fakeServer) reportProgress(w http.ResponseWriter, r *http.Request, body []byte) {
	if f.agentFor(w, r) == nil {
		return
	}
	id := r.PathValue("id")
	if !f.current[id] {
		writeError(w, 409, "E0000001", "Api validation failed: instruction", "instruction is no longer current")
		return
	}
	var p Progress
	json.Unmarshal(body, &p)
	f.progress[id] = append(f.progress[id], p)
	w.WriteHeader(http.StatusNoContent)
}
