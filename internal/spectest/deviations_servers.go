package spectest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"time"
)

// The checks of the server deviations: each validates the whole item by hand, since the
// document's schema is the thing that differs.

// operationsSucceed covers the 200 and 201 responses of the named operations.
func operationsSucceed(operationIDs ...string) func(Response) bool {
	return func(r Response) bool {
		return (r.Status == 200 || r.Status == 201) && slices.Contains(operationIDs, r.OperationID)
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

// eachItem applies check to the body, or to every element of its "list".
func eachItem(check func(item map[string]any) error) func(Response) error {
	return func(r Response) error {
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return fmt.Errorf("body is not a JSON object: %w", err)
		}
		items := []any{body}
		if list, ok := body["list"].([]any); ok && len(body) == 1 {
			items = list
		}
		for i, it := range items {
			m, ok := it.(map[string]any)
			if !ok {
				return fmt.Errorf("item %d is not an object", i)
			}
			if err := check(m); err != nil {
				return fmt.Errorf("item %d: %w", i, err)
			}
		}
		return nil
	}
}

// fields checks that item has exactly the keys of want, each passing its check.
func fields(item map[string]any, want map[string]func(any) bool) error {
	for k, ok := range want {
		v, present := item[k]
		if !present || !ok(v) {
			return fmt.Errorf("%s: missing or of the wrong type (%v)", k, v)
		}
	}
	for k := range item {
		if _, known := want[k]; !known {
			return fmt.Errorf("%s: not a field of the schema", k)
		}
	}
	return nil
}

func text(min, max int) func(any) bool {
	return func(v any) bool {
		s, ok := v.(string)
		return ok && len([]rune(s)) >= min && len([]rune(s)) <= max
	}
}

func orNull(f func(any) bool) func(any) bool { return func(v any) bool { return v == nil || f(v) } }

func uuid(v any) bool { s, ok := v.(string); return ok && uuidPattern.MatchString(s) }

func dateTime(v any) bool {
	s, ok := v.(string)
	_, err := time.Parse(time.RFC3339, s)
	return ok && err == nil
}

func boolean(v any) bool { _, ok := v.(bool); return ok }

func textList(v any) bool {
	list, ok := v.([]any)
	for _, e := range list {
		ok = ok && text(1, 1<<20)(e)
	}
	return ok
}

func stringMap(v any) bool {
	m, ok := v.(map[string]any)
	for _, e := range m {
		ok = ok && text(0, 1<<20)(e)
	}
	return ok
}

// enrollmentToken is ServerEnrollmentToken with token a base64 string of a JSON object.
func enrollmentToken(item map[string]any) error {
	return fields(item, map[string]func(any) bool{
		"id": uuid, "created_by_user": text(1, 255), "issued_at": dateTime, "description": text(1, 512),
		"token": func(v any) bool {
			s, _ := v.(string)
			raw, err := base64.StdEncoding.DecodeString(s)
			var doc map[string]any
			return err == nil && json.Unmarshal(raw, &doc) == nil
		},
	})
}

// server is Server with null allowed where live OPA sends it.
func server(item map[string]any) error {
	name := text(1, 255)
	return fields(item, map[string]func(any) bool{
		"id": uuid, "team_name": name, "project_id": uuid, "project_name": name, "hostname": name, "alt_names": textList,
		"bastion": orNull(name), "canonical_name": orNull(name), "access_address": orNull(name), "os": orNull(name),
		"os_type": name, "services": textList, "registered_at": dateTime, "last_seen": dateTime, "sftd_version": orNull(name),
		"ssh_host_keys": textList, "state": name, "managed": boolean, "deleted_at": orNull(dateTime), "labels": stringMap,
	})
}
