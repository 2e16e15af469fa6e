package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
)

// Agents start on oldVersion; an on-demand job moves them to the newest GA release.
const oldVersion = "3.20.0"

// chromium finds the browser, or skips the test when there is none (fails instead when
// KEYWARD_TEST_REQUIRE_CHROMIUM=1, as in CI).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("KEYWARD_TEST_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("KEYWARD_TEST_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install -y chromium)")
	}
	t.Skip("no chromium on PATH: the browser test is skipped (install it with apt-get install -y chromium)")
	return ""
}

// browser is one headless tab with every console message it printed.
type browser struct {
	t       *testing.T
	ctx     context.Context
	mu      sync.Mutex
	console []chromedp.ConsoleMessage
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t))) // headless
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to sandbox itself as root
	}
	root, stop := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(stop)
	actx, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	b := &browser{t: t, ctx: ctx}
	messages := chromedp.Console(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, m)
			b.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancelTab(); <-done })
	return b
}

// do runs browser actions, failing the test on an error.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\nconsole: %v\npage: %s", what, err, b.messages(), b.text())
	}
}

// wait waits until the JavaScript expression is true on the page.
func (b *browser) wait(what, expression string) {
	b.t.Helper()
	b.do("waiting for "+what, chromedp.Poll[chromedp.Void](expression, chromedp.WithPollingInterval(50*time.Millisecond)))
}

func (b *browser) eval(expression string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expression))
	if err != nil {
		b.t.Fatalf("%s: %v", expression, err)
	}
	return s
}

func (b *browser) text() string {
	s, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("document.body ? document.body.innerText : ''"))
	return s
}

func (b *browser) messages() []chromedp.ConsoleMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]chromedp.ConsoleMessage(nil), b.console...)
}

// breakage is what shows the page broke: uncaught exceptions, console errors, and browser log
// errors such as a refused Content-Security-Policy. Failed HTTP requests (a 404 the page expects
// and handles) are the network's log entries, not breakage.
func (b *browser) breakage() []string {
	var out []string
	for _, m := range b.messages() {
		if m.Source == "network" {
			continue
		}
		if m.IsException() || m.Type == chromedp.ConsoleError {
			out = append(out, fmt.Sprintf("%s (%s:%d)", m, m.URL, m.Line))
		}
	}
	return out
}

// jsString quotes s for a JavaScript expression.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestDashboardInBrowser(t *testing.T) {
	for _, pg := range []bool{false, true} {
		name := map[bool]string{false: "sqlite", true: "postgres"}[pg]
		t.Run(name, func(t *testing.T) { dashboardInBrowser(t, pg) })
	}
}

func dashboardInBrowser(t *testing.T, postgres bool) {
	b := newBrowser(t)
	s := apptest.Start(t, apptest.Options{Postgres: postgres, VirtualClock: true})
	ctx := context.Background()

	// Names are shown as text: markup in one never becomes an element or runs.
	const markup = `<img src=x onerror="window.xssRan=1"><script>window.xssRan=1</script>`
	pool, err := s.Client.CreatePool(ctx, markup+"dashboard-demo", "AD")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Client.CreateRegistrationToken(ctx, pool.ID)
	if err != nil {
		t.Fatal(err)
	}
	agents := make([]*simAgent, 2)
	ids := make([]map[string]string, 2)
	for i := range agents {
		reg, err := s.Client.Register(ctx, tok.Token, client.RegisterRequest{Name: fmt.Sprintf("dc-%d", i+1), Version: oldVersion})
		if err != nil {
			t.Fatal(err)
		}
		agents[i] = &simAgent{api: s.Client.Agent(reg.Credential), version: oldVersion}
		ids[i] = map[string]string{"id": reg.AgentID}
	}

	// Signing in: a wrong token is refused on the page, the admin token opens the dashboard.
	b.do("open the page", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#token")))
	b.do("sign in with a wrong token",
		chromedp.SendKeys(chromedp.CSS("#token"), "00not-the-admin-token-0123456789abcdefghijkl"),
		chromedp.Click(chromedp.CSS("#sign-in-button")))
	b.wait("the refusal", `document.querySelector("#sign-in-error").textContent.includes("not an admin")`)
	b.do("sign in with the admin token",
		chromedp.SendKeys(chromedp.CSS("#token"), apptest.AdminToken),
		chromedp.Click(chromedp.CSS("#sign-in-button")),
		chromedp.WaitVisible(chromedp.CSS("#dashboard")))
	if got := b.eval(`sessionStorage.getItem("keyward.adminToken")`); got != apptest.AdminToken {
		t.Fatalf("sessionStorage holds %q", got)
	}
	if got := b.eval(`document.cookie`); got != "" {
		t.Fatalf("the page set cookies: %q", got)
	}
	b.wait("the pool", `document.querySelectorAll('tr[data-pool-id=`+jsString(pool.ID)+`] li[data-agent-id]').length === 2`)
	b.wait("the team", `document.querySelector('.team[data-team="keyward"]') !== null`)
	b.wait("the event log", `document.querySelector("#events").childElementCount > 0`)

	// An on-demand job: its progress on the page follows the agents' updates.
	var job struct{ ID string }
	body, _ := json.Marshal(map[string]any{"name": markup + "rollout", "agentType": "AD", "agents": ids})
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/agentPools/"+pool.ID+"/updates", bytes.NewReader(body))
	req.Header.Set("Authorization", "SSWS "+apptest.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(resp.Body).Decode(&job); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create job: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	progress := `document.querySelector('tr[data-job-id=` + jsString(job.ID) + `] .job-progress')?.textContent`
	status := `document.querySelector('tr[data-job-id=` + jsString(job.ID) + `] .job-status')?.textContent`
	b.wait("the job at 0/2", progress+` === "0/2 done"`)
	for done := 1; done <= len(agents); done++ {
		updateOne(t, agents)
		b.wait(fmt.Sprintf("the job at %d/2", done), fmt.Sprintf(`%s === "%d/2 done"`, progress, done))
	}
	b.wait("the job's success", status+` === "Success"`)

	// The clock buttons move the virtual clock, and the page shows where it went.
	before := b.eval(`document.querySelector("#clock-now").textContent`)
	b.do("advance the clock an hour", chromedp.Click(chromedp.CSS("#advance-1h")))
	b.wait("the clock to move", `document.querySelector("#clock-now").textContent !== `+jsString(before))
	shown := b.eval(`document.querySelector("#clock-now").textContent`)
	c, err := s.Client.GetClock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t0, err0 := time.Parse(time.RFC3339Nano, before)
	t1, err1 := time.Parse(time.RFC3339Nano, shown)
	if err0 != nil || err1 != nil || t1.Sub(t0) < time.Hour || !t1.Equal(c.Now) {
		t.Fatalf("clock on the page went from %q to %q; the server's is %q", before, shown, c.Now)
	}

	// The event log shows what happened: the job's run and the clock's move.
	for _, typ := range []string{"job.status", "clock.moved"} {
		b.wait("a "+typ+" event", `[...document.querySelectorAll("#events td")].some((td) => td.textContent === `+jsString(typ)+`)`)
	}

	// The markup in the pool's and the job's names is text on the page, nowhere an element.
	b.wait("the pool's name as text", `document.querySelector("#dashboard").textContent.includes(`+jsString(markup+"dashboard-demo")+`)`)
	if got := b.eval(`String(document.querySelectorAll("#dashboard img, #dashboard script").length) + "/" + String(window.xssRan)`); got != "0/undefined" {
		t.Fatalf("markup in names became elements or ran: %s", got)
	}

	// Signing out forgets the token.
	b.do("sign out", chromedp.Click(chromedp.CSS("#sign-out")), chromedp.WaitVisible(chromedp.CSS("#token")))
	if got := b.eval(`sessionStorage.getItem("keyward.adminToken") || ""`); got != "" {
		t.Fatalf("token kept after signing out: %q", got)
	}
	if broke := b.breakage(); len(broke) > 0 {
		t.Fatalf("the page broke:\n%s", strings.Join(broke, "\n"))
	}
}

// simAgent is an agent speaking the agent protocol, on its version.
type simAgent struct {
	api     *client.Agent
	version string
}

// updateOne waits until one of the agents is handed an update instruction and carries it out:
// started, installed, then a heartbeat on the new version.
func updateOne(t *testing.T, agents []*simAgent) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		for _, a := range agents {
			res, err := a.api.Heartbeat(ctx, client.HeartbeatRequest{Version: a.version, Healthy: true})
			if err != nil {
				t.Fatal(err)
			}
			in := res.Instruction
			if in == nil {
				continue
			}
			for _, st := range []string{client.ProgressStarted, client.ProgressInstalled} {
				if err := a.api.ReportProgress(ctx, in.ID, client.Progress{State: st}); err != nil {
					t.Fatal(err)
				}
			}
			a.version = in.TargetVersion
			if _, err := a.api.Heartbeat(ctx, client.HeartbeatRequest{Version: a.version, Healthy: true}); err != nil {
				t.Fatal(err)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no agent was handed an update instruction")
}
