package sim

import (
	"encoding/json"
	"sync"
	"sync/atomic"

	"github.com/keyward/keyward/client"
)

// rotatePassword is the instruction that sets an account's password (pam.InstructionRotatePassword).
const rotatePassword = "rotate_password"

// passwords are a simulated server's accounts' current passwords, as rotations set them.
type passwords struct {
	mu sync.Mutex
	by map[string]string // login → password
}

// apply takes the password of a rotation the server carries out; a rotation without one
// (handed out after keyward stopped waiting for it) fails.
func (p *passwords) apply(in client.ServerInstruction) bool {
	if in.Kind != rotatePassword {
		return true
	}
	var body struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal(in.Payload, &body); err != nil || body.Password == "" {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.by == nil {
		p.by = map[string]string{}
	}
	p.by[body.Login] = body.Password
	return true
}

// Password returns the current password of an account of a simulated server, as the last
// successful rotation set it.
func (f *ServerFleet) Password(hostname, login string) (string, bool) {
	for _, s := range f.servers {
		if s.hostname == hostname {
			s.passwords.mu.Lock()
			defer s.passwords.mu.Unlock()
			pw, ok := s.passwords.by[login]
			return pw, ok
		}
	}
	return "", false
}

// FailNext makes the next n instructions any server of the fleet carries out fail, whatever the
// failure rate: a test's way to see a failed rotation retried.
func (f *ServerFleet) FailNext(n int64) { f.failNext.Store(n) }

// forcedFailure takes one of the failures FailNext asked for.
func forcedFailure(n *atomic.Int64) bool {
	for {
		v := n.Load()
		if v <= 0 {
			return false
		}
		if n.CompareAndSwap(v, v-1) {
			return true
		}
	}
}
