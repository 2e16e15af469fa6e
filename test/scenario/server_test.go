package scenario

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/app"
	"github.com/keyward/keyward/internal/apptest"
	"github.com/keyward/keyward/internal/config"
)

// serveEnv makes the test binary run a keyward server instead of the tests: the benchmark runs
// its server in a process of its own so that the server's CPU time and memory can be measured
// apart from the simulated agents driving it.
const serveEnv = "KEYWARD_SCENARIO_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "1" {
		os.Exit(serve())
	}
	os.Exit(m.Run())
}

// serve is `keyward serve` configured from KEYWARD_* variables; it prints the address it
// listens on and stops on SIGTERM.
func serve() int {
	cfg, err := config.Parse("keyward serve", nil, os.Getenv, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	a, err := app.Open(ctx, cfg, log, io.Discard)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("listening %s\n", ln.Addr())
	if err := a.Serve(ctx, ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// process is a keyward server running in a child process.
type process struct {
	URL string
	cmd *exec.Cmd
}

// startProcess runs a server in a child process on databaseURL ("" for an SQLite file) and stops
// it when the test ends. By default it has a virtual clock and ticks only when its clock is
// moved; env entries (KEY=value) override any setting.
func startProcess(tb testing.TB, databaseURL string, env ...string) *process {
	tb.Helper()
	dir := tb.TempDir()
	if databaseURL == "" {
		databaseURL = "sqlite:" + dir + "/keyward.db"
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"=1",
		"KEYWARD_ADDR=127.0.0.1:0", "KEYWARD_DATA_DIR="+dir, "KEYWARD_DATABASE_URL="+databaseURL,
		"KEYWARD_ADMIN_TOKEN="+apptest.AdminToken, "KEYWARD_SECRET_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"KEYWARD_VIRTUAL_CLOCK=true", "KEYWARD_TICK_INTERVAL=1h", "KEYWARD_UPDATE_TIMEOUT=30m",
		"KEYWARD_RATE_LIMIT=100000000", "KEYWARD_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...) // later entries win
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		tb.Fatalf("server did not start: %q, %v", line, err)
	}
	go io.Copy(io.Discard, out) //nolint:errcheck // keep the pipe drained
	return &process{URL: "http://" + addr, cmd: cmd}
}

// cpu returns the CPU time the server has used so far (user and system), from /proc.
func (p *process) cpu(tb testing.TB) time.Duration {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		tb.Skipf("no /proc: %v", err)
	}
	// Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ, 100 on every Linux platform Go supports
	return time.Duration(utime+stime) * time.Second / ticksPerSecond
}

// resetPeak starts a new peak-memory measurement (VmHWM) where the kernel allows it.
func (p *process) resetPeak() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.cmd.Process.Pid), []byte("5"), 0)
}

// peakRSS returns the server's peak resident memory since the last resetPeak, in bytes.
func (p *process) peakRSS(tb testing.TB) int64 {
	tb.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		tb.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	tb.Fatal("no VmHWM in /proc status")
	return 0
}
