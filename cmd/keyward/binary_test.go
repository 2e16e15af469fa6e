//go:build unix

package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const binaryToken = "00binary-test-admin-token-0123-abcdefghijklmnopq"

// server is a running keyward binary.
type server struct {
	cmd            *exec.Cmd
	done           chan error
	stdout, stderr lockedBuffer
}

// startBinary runs `keyward serve` with only an address and a data directory, and waits for
// /healthz. It fails if the process exits first, or if it is still silent after a wait no
// healthy start comes near (start-up speed is measured in docs/benchmarks.md, not asserted).
func startBinary(t *testing.T, bin, addr, dataDir string) *server {
	t.Helper()
	const stuck = 2 * time.Minute
	begun := time.Now()
	s := launch(t, addr, bin, "serve", "--addr", addr, "--data-dir", dataDir)
	for !s.healthy(addr) {
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("keyward exited before /healthz answered: %v; stderr:\n%s", err, s.stderr.String())
		default:
		}
		if time.Since(begun) >= stuck {
			t.Fatalf("/healthz not answering %v after start; stderr:\n%s", stuck, s.stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("/healthz answered %v after the process started", time.Since(begun).Round(time.Millisecond))
	return s
}

// launch starts argv with the admin token set and no other KEYWARD_ variable, and kills it when
// the test ends if it is still running.
func launch(t *testing.T, addr string, argv ...string) *server {
	t.Helper()
	s := &server{done: make(chan error, 1)}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Dir = t.TempDir()
	s.cmd.Env = append(withoutKeywardEnv(), "KEYWARD_ADMIN_TOKEN="+binaryToken)
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// healthy tells whether /healthz answers 200 on a new connection.
func (s *server) healthy(addr string) bool {
	client := &http.Client{Timeout: 500 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stop sends SIGTERM and expects a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, s.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit 20s after SIGTERM")
	}
}

// buildBinary builds keyward into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build keyward: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "keyward")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddr is a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func withoutKeywardEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KEYWARD_") {
			env = append(env, kv)
		}
	}
	return env
}

func request(t *testing.T, method, url, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "SSWS "+binaryToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func poolNames(t *testing.T, addr string) map[string]string {
	t.Helper()
	status, body := request(t, "GET", "http://"+addr+"/api/v1/agentPools", "")
	var pools []struct{ ID, Name string }
	if err := json.Unmarshal(body, &pools); status != 200 || err != nil {
		t.Fatalf("list pools: %d %s %v", status, body, err)
	}
	names := map[string]string{}
	for _, p := range pools {
		names[p.Name] = p.ID
	}
	return names
}

// TestBinaryStartsAndKeepsData builds keyward, runs it as a user would on a fresh data
// directory with no other service, and restarts it to check that what was stored survives.
func TestBinaryStartsAndKeepsData(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, addr := buildBinary(t), freeAddr(t)
	dataDir := filepath.Join(t.TempDir(), "data") // does not exist yet

	s := startBinary(t, bin, addr, dataDir)
	status, body := request(t, "POST", "http://"+addr+"/keyward/v1/agentPools", `{"name":"corp","type":"AD"}`)
	if status != http.StatusCreated {
		t.Fatalf("create pool: %d %s", status, body)
	}
	id := poolNames(t, addr)["corp"]
	if id == "" {
		t.Fatal("the new pool is not listed")
	}
	s.stop(t)
	if out := s.stdout.String(); !strings.Contains(out, "created org") || strings.Contains(out, binaryToken) {
		t.Errorf("first start printed %q: want the bootstrap notice without the configured token", out)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "keyward.db")); err != nil {
		t.Errorf("database file: %v", err)
	}

	s = startBinary(t, bin, addr, dataDir)
	if got := poolNames(t, addr)["corp"]; got != id {
		t.Errorf("after restart pool corp is %q, want %q", got, id)
	}
	s.stop(t)
	if out := s.stdout.String(); out != "" {
		t.Errorf("restart printed %q: bootstrap must run once", out)
	}
	if strings.Contains(s.stderr.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", s.stderr.String())
	}
}
