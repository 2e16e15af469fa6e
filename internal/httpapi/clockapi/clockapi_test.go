package clockapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyward/keyward/client"
	"github.com/keyward/keyward/internal/apptest"
)

func TestVirtualClock(t *testing.T) {
	s := apptest.Start(t, apptest.Options{VirtualClock: true})
	ctx := context.Background()
	c, err := s.Client.GetClock(ctx)
	if err != nil || !c.Virtual {
		t.Fatalf("clock %+v, %v", c, err)
	}
	start := c.Now
	if got, err := s.Client.AdvanceClock(ctx, 90*time.Minute); err != nil || !got.Now.Equal(start.Add(90*time.Minute)) {
		t.Fatalf("advance 90m: %+v, %v", got, err)
	}
	target := start.Add(48 * time.Hour).Truncate(time.Second)
	if got, err := s.Client.SetClock(ctx, target); err != nil || !got.Now.Equal(target) || !got.Virtual {
		t.Fatalf("set: %+v, %v", got, err)
	}
	if got, err := s.Client.SetClock(ctx, target); err != nil || !got.Now.Equal(target) {
		t.Fatalf("set to now: %+v, %v", got, err)
	}

	tests := []struct{ name, body, cause string }{
		{"backwards", `{"set":"` + start.Format(time.RFC3339) + `"}`, "cannot move backwards"},
		{"not a time", `{"set":"tomorrow"}`, "set: must be an RFC 3339 time"},
		{"negative", `{"advance":"-5m"}`, "advance: must be a positive duration"},
		{"zero", `{"advance":"0s"}`, "advance: must be a positive duration"},
		{"not a duration", `{"advance":"soon"}`, "advance: must be a positive duration"},
		{"both", `{"set":"` + target.Format(time.RFC3339) + `","advance":"1m"}`, "exactly one"},
		{"neither", `{}`, "exactly one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := postClock(t, s, apptest.AdminToken, tc.body)
			if status != 400 || !strings.Contains(body, `"errorCode":"E0000001"`) || !strings.Contains(body, tc.cause) {
				t.Fatalf("got %d %s, want 400 mentioning %q", status, body, tc.cause)
			}
		})
	}
	if c, _ := s.Client.GetClock(ctx); !c.Now.Equal(target) {
		t.Fatalf("refused moves changed the clock: %s", c.Now)
	}
	tok, err := s.Client.CreateAPIToken(ctx, "reader")
	if err != nil {
		t.Fatal(err)
	}
	if status, body := postClock(t, s, tok.Token, `{"advance":"1m"}`); status != 403 {
		t.Fatalf("non-admin token: %d %s", status, body)
	}
}

func TestRealClockCannotMove(t *testing.T) {
	s := apptest.Start(t, apptest.Options{})
	ctx := context.Background()
	c, err := s.Client.GetClock(ctx)
	if err != nil || c.Virtual || time.Since(c.Now).Abs() > time.Minute {
		t.Fatalf("clock %+v, %v", c, err)
	}
	_, err = s.Client.AdvanceClock(ctx, time.Hour)
	if client.StatusCode(err) != 400 || client.ErrorCode(err) != "E0000001" {
		t.Fatalf("advancing a real clock: %v", err)
	}
}

func postClock(t *testing.T, s *apptest.Server, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", s.URL+"/keyward/v1/clock", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "SSWS "+token)
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
