package fuzz

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/internal/httpapi/wire"
)

// TestRoutesRefuseBadInput sends every attack to every mounted route, with each credential the
// route's access kind calls for and without, and checks the server never answers 5xx, answers
// every error with a JSON body (or none), and that a refused write left the state as it was.
func TestRoutesRefuseBadInput(t *testing.T) {
	for _, db := range []struct {
		name     string
		postgres bool
	}{{"sqlite", false}, {"postgres", true}} {
		t.Run(db.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, db.postgres)
			routes := slices.Clone(f.s.App.Routes())
			if len(routes) < 20 {
				t.Fatalf("only %d routes mounted", len(routes))
			}
			// Deletes last, so that the routes before them still find the update they name.
			slices.SortStableFunc(routes, func(a, b wire.Route) int {
				return boolInt(a.Method == http.MethodDelete) - boolInt(b.Method == http.MethodDelete)
			})
			sent := 0
			for _, r := range routes {
				write := r.Method != http.MethodGet
				validPath := f.path(splitPattern(r.Pattern), -1, "")
				attacks := append(f.pathAttacks(r.Pattern, write), f.queryAttacks(validPath, write)...)
				if write {
					attacks = append(attacks, f.bodyAttacks(validPath)...)
				}
				for _, auth := range f.credentials(r.Access) {
					sent += f.pass(t, r, auth, attacks)
				}
			}
			t.Logf("%d requests to %d routes", sent, len(routes))
		})
	}
}

// pass sends every attack to route r with one credential and returns how many requests it sent.
// Dumping the state around every request would cost more than the requests, so the state is
// dumped at the start, after each accepted write and at the end: refused writes between two dumps
// must have changed nothing. Those that an accepted write follows are sent again one by one, each
// between two dumps, since the accepted write's own change hides theirs.
func (f *fixture) pass(t *testing.T, r wire.Route, auth string, attacks []attack) int {
	t.Helper()
	sent := 0
	where := func(a attack) string {
		return fmt.Sprintf("%s %s (%s) %s, credential %t", r.Method, r.Pattern, r.Name, a.name, auth != "")
	}
	send := func(a attack) int {
		status, body := f.send(t, r.Method, a, auth)
		sent++
		if status >= 500 {
			t.Errorf("%s: %d %.300s", where(a), status, body)
		}
		if status >= 400 && len(body) > 0 && !json.Valid(body) {
			t.Errorf("%s: %d with a body that is not JSON: %.300s", where(a), status, body)
		}
		return status
	}
	unchanged := func(before string, refused []attack) {
		if after := f.state(t); after != before {
			names := make([]string, len(refused))
			for i, a := range refused {
				names[i] = a.name
			}
			t.Errorf("%s %s, credential %t: refused writes changed the state: %s\nbefore %s\nafter  %s",
				r.Method, r.Pattern, auth != "", strings.Join(names, "; "), before, after)
		}
	}
	before := f.state(t)
	var refused []attack
	for _, a := range attacks {
		status := send(a)
		switch {
		case !a.write:
		case status >= 400:
			refused = append(refused, a)
		default:
			for _, again := range refused {
				one := f.state(t)
				if send(again) >= 400 {
					unchanged(one, []attack{again})
				}
			}
			before, refused = f.state(t), nil
		}
	}
	unchanged(before, refused)
	return sent
}

// send sends an attack, through the HTTP client or, for raw bytes in the target, as written.
func (f *fixture) send(t *testing.T, method string, a attack, auth string) (int, []byte) {
	t.Helper()
	if !a.raw {
		return f.do(t, method, a.target, auth, a.contentType, a.body)
	}
	conn, err := net.DialTimeout("tcp", f.s.Addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	req := method + " " + a.target + " HTTP/1.1\r\nHost: " + f.s.Addr + "\r\nConnection: close\r\n"
	if auth != "" {
		req += "Authorization: " + auth + "\r\n"
	}
	if a.contentType != "" {
		req += "Content-Type: " + a.contentType + "\r\n"
	}
	req += "Content-Length: " + strconv.Itoa(len(a.body)) + "\r\n\r\n"
	if _, err := conn.Write(append([]byte(req), a.body...)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %q: %v", method, a.target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func splitPattern(p string) []string { return strings.Split(strings.TrimPrefix(p, "/"), "/") }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
