package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// withRequest is a ResponseWriter that knows its request, as the router's access log is.
type withRequest struct {
	*httptest.ResponseRecorder
	req *http.Request
}

func (w withRequest) Request() *http.Request { return w.req }

func TestJSONRefusesAnUnencodableAnswer(t *testing.T) {
	past9999 := struct {
		At time.Time `json:"at"`
	}{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	cases := []struct {
		path, want string
	}{
		{"/api/v1/agentPools/x/updates", `"errorCode":"E0000009"`},
		{"/v1/teams/t/projects", `"type":"internal_error"`},
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", c.path, nil)
		info := &Info{RequestID: "r1"}
		req = req.WithContext(WithInfo(req.Context(), info))
		rec := httptest.NewRecorder()
		JSON(withRequest{rec, req}, http.StatusOK, []any{past9999})
		if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d %s, want 500 with %s", c.path, rec.Code, rec.Body, c.want)
		}
		if info.Err == nil || !strings.Contains(info.Err.Error(), "encoding the answer") {
			t.Errorf("%s: the cause is not kept for the log: %v", c.path, info.Err)
		}
	}
	rec := httptest.NewRecorder() // outside the router: still a body
	JSON(rec, http.StatusCreated, past9999)
	if rec.Code != http.StatusInternalServerError || !json.Valid(rec.Body.Bytes()) {
		t.Errorf("without a request: %d %q", rec.Code, rec.Body)
	}
}

type item struct {
	ID   string `json:"id"`
	Note string `json:"note"`
}

// pointerMarshaler encodes through a pointer-receiver method, which applies to slice elements.
type pointerMarshaler struct{ n int }

func (p *pointerMarshaler) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprint(p.n * 2)), nil }

// shortWriter counts the largest single write it was given.
type shortWriter struct {
	*httptest.ResponseRecorder
	largest int
}

func (w *shortWriter) Write(b []byte) (int, error) {
	w.largest = max(w.largest, len(b))
	return w.ResponseRecorder.Write(b)
}

func TestJSONStreamsLongListsAsTheEncoderWould(t *testing.T) {
	long := make([]item, 5000)
	for i := range long {
		long[i] = item{ID: fmt.Sprint("ajd", i), Note: strings.Repeat("<x>", 40)}
	}
	marshalers := make([]pointerMarshaler, 60000)
	for i := range marshalers {
		marshalers[i].n = i
	}
	for name, v := range map[string]any{"long": long, "short": long[:3], "empty": []item{}, "nil": []item(nil),
		"bytes": []byte("abc"), "object": long[0], "pointer elements": marshalers} {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(v); err != nil {
			t.Fatal(err)
		}
		w := &shortWriter{ResponseRecorder: httptest.NewRecorder()}
		JSON(w, http.StatusOK, v)
		if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), want.Bytes()) {
			t.Errorf("%s: %d, body differs from json.Encoder's (%d vs %d bytes)", name, w.Code, w.Body.Len(), want.Len())
		}
		if want.Len() > 2*maxBuffered && w.largest > maxBuffered+1024 {
			t.Errorf("%s: a %d-byte answer was written in a %d-byte piece", name, want.Len(), w.largest)
		}
	}
}
