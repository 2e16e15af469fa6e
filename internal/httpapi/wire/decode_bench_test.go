package wire

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkDecode measures what the body check (checkJSON) adds to decoding: a typical update-job
// body, a heartbeat, and a body near the 1 MiB default limit holding 1,000 agents with long names.
func BenchmarkDecode(b *testing.B) {
	agents := make([]string, 1000)
	for i := range agents {
		agents[i] = fmt.Sprintf(`{"id":"a53%017d","name":"%s"}`, i, strings.Repeat("n", 900))
	}
	bodies := map[string]string{
		"heartbeat": `{"version":"3.20.0","healthy":true,"message":"disk 80% full"}`,
		"job": `{"name":"Monthly","agentType":"AD","enabled":true,"agents":[{"id":"a53a"},{"id":"a53b"}],` +
			`"schedule":{"cron":"0 2 * * 0","timezone":"UTC","duration":60,"delay":0}}`,
		"1MiB": `{"name":"big","agents":[` + strings.Join(agents, ",") + `]}`,
	}
	for name, body := range bodies {
		b.Run(name+"/unmarshal only", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var v map[string]any
				if err := json.Unmarshal([]byte(body), &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/checkJSON", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if err := checkJSON([]byte(body)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/Decode", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				var v map[string]any
				if err := Decode(httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body)), &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
