package fuzz

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strings"
)

// attack is one hostile request to a route.
type attack struct {
	name        string
	target      string // request target: path and query, percent-encoded or raw
	raw         bool   // send the target's bytes as they are (no client escaping)
	contentType string
	body        []byte
	write       bool // the request is one that could change state (method other than GET)
}

// Bad text values: what PostgreSQL refuses (NUL, invalid UTF-8) and what breaks a unique index.
var badText = map[string]string{
	"NUL":           "a\x00b",
	"invalid UTF-8": "a\xff\xfeb",
	"long":          incompressible(3000),
	"over 255":      strings.Repeat("é", 256),
}

// incompressible is n letters PostgreSQL cannot compress below its index row limit, as it would
// a run of one letter.
func incompressible(n int) string {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

// bodyFields are the string fields the routes read; an attack spoils one at a time.
var bodyFields = []string{"name", "reason", "message", "version", "description", "key_id", "key_secret", "type",
	"state", "agentType", "targetVersion", "set", "advance", "channel", "releaseChannel"}

// validBody is a body most routes accept, so that an attack on one field is refused for that
// field and not for a missing other one.
func (f *fixture) validBody() map[string]any {
	return map[string]any{
		"name": "fuzz-ok", "type": "AD", "version": agentVersion, "agentType": "AD", "reason": "r", "message": "m",
		"state": "started", "healthy": true, "channel": "GA", "releaseChannel": "GA", "continueOnError": false,
		"agents": []map[string]string{{"id": f.agents[1]}}, "key_id": opaKeyID, "key_secret": "wrong-secret",
		"description": "d", "scopes": []string{"okta.agentPools.read"}, "admin": false, "sortOrder": 1,
	}
}

// rawJSON marshals v and puts back the invalid UTF-8 of badText, which json.Marshal replaces
// with \ufffd escapes.
func rawJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return []byte(strings.ReplaceAll(string(b), `a\ufffd\ufffdb`, "a\xff\xfeb"))
}

func with(base map[string]any, key string, value any) map[string]any {
	out := make(map[string]any, len(base)+1)
	for k, v := range base {
		out[k] = v
	}
	out[key] = value
	return out
}

// bodyAttacks spoil a valid body one way at a time.
func (f *fixture) bodyAttacks(path string) []attack {
	base := f.validBody()
	var out []attack
	add := func(name, contentType string, body []byte) {
		out = append(out, attack{name: "body " + name, target: path, contentType: contentType, body: body, write: true})
	}
	// Any string with NUL or invalid UTF-8 is refused before a handler reads it: two fields show
	// it. Lengths are each validator's own: every field gets one long enough to break an index.
	for _, field := range bodyFields {
		add(field+" long", "application/json", rawJSON(with(base, field, badText["long"])))
	}
	add("name over 255", "application/json", rawJSON(with(base, "name", badText["over 255"])))
	for _, field := range []string{"name", "message"} {
		for _, what := range []string{"NUL", "invalid UTF-8"} {
			add(field+" "+what, "application/json", rawJSON(with(base, field, badText[what])))
		}
	}
	all := func(v any) map[string]any {
		b := map[string]any{}
		for k := range base {
			b[k] = v
		}
		return b
	}
	for what, v := range badText {
		add("every field "+what, "application/json", rawJSON(all(v)))
	}
	add("agent id NUL", "application/json", rawJSON(with(base, "agents", []map[string]string{{"id": "a53\x00"}})))
	add("agent id long", "application/json", rawJSON(with(base, "agents", []map[string]string{{"id": badText["long"]}})))
	for _, n := range []string{"1e400", "-1e400", "99999999999999999999"} {
		b := string(rawJSON(base))
		b = strings.Replace(b, `"sortOrder":1`, `"sortOrder":`+n, 1)
		add("huge number "+n, "application/json", []byte(strings.Replace(b, `"healthy":true`, `"healthy":true,"delay":`+n+`,"duration":`+n+`,"count":`+n, 1)))
	}
	for what, v := range map[string]any{"objects": map[string]any{}, "arrays": []int{1}, "numbers": 7, "booleans": true, "nulls": nil} {
		add("wrong types: "+what, "application/json", rawJSON(all(v)))
	}
	deep := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	add("10,000 nested arrays", "application/json", []byte(deep))
	add("10,000 nested arrays in a field", "application/json", []byte(`{"name":"fuzz-ok","agents":`+deep+`}`))
	add("10,000 nested objects", "application/json", []byte(strings.Repeat(`{"a":`, 10000)+"1"+strings.Repeat("}", 10000)))
	add("duplicate keys", "application/json", []byte(`{"name":"fuzz-dup","name":"fuzz-dup2","type":"AD","version":"`+agentVersion+`"}`))
	add("text/plain", "text/plain", rawJSON(base))
	add("empty", "application/json", nil)
	add("truncated", "application/json", []byte(`{"name":`))
	add("a string", "application/json", []byte(`"x"`))
	add("raw NUL", "application/json", []byte("{\"name\":\"a\x00b\"}"))
	add("over the body limit", "application/json", []byte(`{"name":"`+strings.Repeat("x", int(f.s.Config.MaxBodyBytes))+`"}`))
	for what, v := range map[string]string{"NUL": "0oa\x00", "long": badText["long"]} {
		add("form assertion iss "+what, "application/x-www-form-urlencoded", []byte(tokenForm(v, "jti-1")))
		add("form assertion jti "+what, "application/x-www-form-urlencoded", []byte(tokenForm("0oa1", v)))
	}
	add("form client_id NUL", "application/x-www-form-urlencoded", []byte(tokenForm("0oa1", "jti-1")+"&client_id=%00"))
	return out
}

// tokenForm is a client-credentials token request whose (unsigned) assertion carries iss and
// jti: the server reads them before it can check a signature.
func tokenForm(iss, jti string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims, _ := json.Marshal(map[string]any{"iss": iss, "sub": iss, "jti": jti, "aud": "http://x/oauth2/v1/token",
		"iat": 1700000000, "exp": 1700003000})
	jwt := enc([]byte(`{"alg":"RS256"}`)) + "." + enc(claims) + "." + enc([]byte("sig"))
	return url.Values{"grant_type": {"client_credentials"}, "scope": {"okta.agentPools.read"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {jwt}}.Encode()
}

// pathAttacks put a bad value in one wildcard of the pattern at a time, the others valid.
func (f *fixture) pathAttacks(pattern string, write bool) []attack {
	segs := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	var out []attack
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{") || seg == "{$}" {
			continue
		}
		for what, v := range map[string]struct {
			value string
			raw   bool
		}{
			"%00": {"%00", false}, "%ff%fe": {"%ff%fe", false}, "raw invalid UTF-8": {"\xff\xfe", true},
			"long": {incompressible(3000), false}, "%00 and more": {"ajd%00x", false},
		} {
			out = append(out, attack{name: "path " + seg + " " + what, target: f.path(segs, i, v.value), raw: v.raw, write: write,
				contentType: "application/json", body: rawJSON(f.validBody())})
		}
	}
	return out
}

// path builds the request path of segs with valid wildcard values, segment i replaced by bad.
func (f *fixture) path(segs []string, i int, bad string) string {
	out := make([]string, len(segs))
	for j, seg := range segs {
		switch {
		case j == i:
			out[j] = bad
		case seg == "{$}": // the end of a path that ends in a slash
			out[j] = ""
		case strings.HasPrefix(seg, "{"):
			out[j] = url.PathEscape(f.pathValue(strings.TrimSuffix(strings.Trim(seg, "{}"), "...")))
		default:
			out[j] = seg
		}
	}
	return "/" + strings.Join(out, "/")
}

// queryParams are the parameters the routes read, paging ones included.
var queryParams = []string{"after", "limitPerPoolType", "poolType", "agentType", "scheduled", "limit", "offset",
	"count", "descending", "prev", "q", "domain", "account_name", "ad_account_type", "ad_connection_id"}

// queryAttacks set every known parameter to one bad value at a time.
func (f *fixture) queryAttacks(path string, write bool) []attack {
	var out []attack
	for what, v := range map[string]struct {
		value string
		raw   bool
	}{
		"%00": {"%00", false}, "%ff%fe": {"%ff%fe", false}, "raw invalid UTF-8": {"\xff\xfe", true},
		"long": {incompressible(5000), false}, "huge number": {"99999999999999999999", false}, "negative": {"-1", false},
		"cursor with NUL": {base64.RawURLEncoding.EncodeToString([]byte(`{"AD":"0oa\u0000"}`)), false},
	} {
		q := make([]string, len(queryParams))
		for i, p := range queryParams {
			q[i] = p + "=" + v.value
		}
		out = append(out, attack{name: "query " + what, target: path + "?" + strings.Join(q, "&"), raw: v.raw, write: write})
	}
	out = append(out, attack{name: "query key %00", target: path + "?%00=1", write: write})
	return out
}
