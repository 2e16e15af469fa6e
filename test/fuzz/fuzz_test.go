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
			before := f.state(t)
			sent := 0
			for _, r := range routes {
				write := r.Method != http.MethodGet
				validPath := f.path(splitPattern(r.Pattern), -1, "")
				attacks := append(f.pathAttacks(r.Pattern, write), f.queryAttacks(validPath, write)...)
				if write {
					attacks = append(attacks, f.bodyAttacks(validPath)...)
				}
				for _, auth := range f.credentials(r.Access) {
					for _, a := range attacks {
						status, body := f.send(t, r.Method, a, auth)
						sent++
						where := fmt.Sprintf("%s %s (%s) %s, credential %t", r.Method, r.Pattern, r.Name, a.name, auth != "")
						if status >= 500 {
							t.Errorf("%s: %d %.300s", where, status, body)
						}
						if status >= 400 && len(body) > 0 && !json.Valid(body) {
							t.Errorf("%s: %d with a body that is not JSON: %.300s", where, status, body)
						}
						if !a.write {
							continue
						}
						after := f.state(t)
						if status >= 400 && after != before {
							t.Errorf("%s: refused with %d but the state changed:\nbefore %s\nafter  %s", where, status, before, after)
						}
						before = after
					}
				}
			}
			t.Logf("%d requests to %d routes", sent, len(routes))
		})
	}
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
