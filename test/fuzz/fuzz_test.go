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
			state := f.state(t)
			for _, r := range routes {
				write := r.Method != http.MethodGet
				validPath := f.path(splitPattern(r.Pattern), -1, "")
				attacks := append(f.pathAttacks(r.Pattern, write), f.queryAttacks(validPath, write)...)
				if write {
					attacks = append(attacks, f.bodyAttacks(validPath)...)
				}
				for _, auth := range f.credentials(r.Access) {
					if auth == "" && r.Access != wire.Public {
						// Refused before anything reads the body: a few bodies show it.
						attacks = slices.DeleteFunc(attacks, func(a attack) bool {
							return strings.HasPrefix(a.name, "body ") && !strings.HasPrefix(a.name, "body every field")
						})
					}
					state = f.pass(t, r, auth, attacks, state)
				}
			}
			t.Logf("%d requests to %d routes, %d state dumps", f.sent, len(routes), f.dumps)
		})
	}
}

// pass sends every attack to route r with one credential, the state being before when it starts,
// and returns the state when it ends. Dumping the state around every request would cost far more
// than the requests, so a pass goes in two rounds: the first sends every attack; when none of its
// writes was accepted, the state must simply be as it was. Otherwise the second round sends the
// refused writes again, now between two dumps with no accepted write among them.
func (f *fixture) pass(t *testing.T, r wire.Route, auth string, attacks []attack, before string) string {
	t.Helper()
	send := func(a attack) int {
		status, body := f.send(t, r.Method, a, auth)
		f.sent++
		where := fmt.Sprintf("%s %s (%s) %s, credential %t", r.Method, r.Pattern, r.Name, a.name, auth != "")
		if status >= 500 {
			t.Errorf("%s: %d %.300s", where, status, body)
		}
		if status >= 400 && len(body) > 0 && !json.Valid(body) {
			t.Errorf("%s: %d with a body that is not JSON: %.300s", where, status, body)
		}
		return status
	}
	unchanged := func(before string, refused []attack) string {
		after := f.state(t)
		if after != before {
			names := make([]string, len(refused))
			for i, a := range refused {
				names[i] = a.name
			}
			t.Errorf("%s %s, credential %t: refused writes changed the state: %s\nbefore %s\nafter  %s",
				r.Method, r.Pattern, auth != "", strings.Join(names, "; "), before, after)
		}
		return after
	}
	var refused []attack
	accepted := false
	for _, a := range attacks {
		if status := send(a); a.write && status >= 400 {
			refused = append(refused, a)
		} else if a.write {
			accepted = true
		}
	}
	if !accepted {
		return unchanged(before, refused)
	}
	before = f.state(t)
	var segment []attack
	for _, a := range refused {
		if send(a) >= 400 {
			segment = append(segment, a)
			continue
		}
		// Refused before, accepted now that the state moved on: what it did hides the others'.
		before, segment = f.state(t), nil
	}
	return unchanged(before, segment)
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
	if streaming(resp) {
		return resp.StatusCode, nil
	}
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
