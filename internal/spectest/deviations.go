package spectest

import (
	"bytes"
	"encoding/json"
	"slices"
)

// Deviation is a documented way keyward's live responses differ from an OPA document, because
// live OPA and its clients differ from it (each is also listed in docs/opa.md). Before a
// response of one of Operations is validated, Adapt rewrites the decoded body into the form the
// document describes, so everything else in the body is still checked.
type Deviation struct {
	Name       string
	Reason     string
	Operations []string
	Adapt      func(item map[string]any) // applied to the body, or to each element of its "list"
}

// Deviations is the named allow-list of every deviation keyward makes knowingly.
var Deviations = []Deviation{
	{
		Name: "server-enrollment-token-string",
		Reason: "ServerEnrollmentToken.token is typed as an object, but live OPA sends a string (base64 of a JSON " +
			"document) and the OPA Terraform provider fails on an object in create, get and list",
		Operations: []string{"CreateResourceGroupProjectServerEnrollmentToken", "GetResourceGroupProjectServerEnrollmentToken",
			"ListResourceGroupProjectServerEnrollmentTokens"},
		Adapt: func(item map[string]any) {
			if s, ok := item["token"].(string); ok {
				item["token"] = map[string]any{"value": s}
			}
		},
	},
	{
		Name: "server-null-fields",
		Reason: "Server marks bastion, canonical_name, access_address, os, sftd_version and deleted_at required and not " +
			"nullable, but live OPA sends null where a server has no value (the document's own example does)",
		Operations: []string{"ListResourceGroupProjectServers", "GetResourceGroupProjectServer", "ListAllServersForResourceGroup",
			"ListAllServersForAdmin", "ListServers"},
		Adapt: func(item map[string]any) {
			stand := map[string]any{"bastion": "-", "canonical_name": "-", "access_address": "-", "os": "-", "sftd_version": "-",
				"deleted_at": "1970-01-01T00:00:00Z"}
			for k, v := range stand {
				if cur, present := item[k]; present && cur == nil {
					item[k] = v
				}
			}
		},
	},
}

// adapt applies the deviations naming operationID to a JSON body; any other body is returned as it is.
func adapt(operationID string, body []byte) []byte {
	var devs []Deviation
	for _, d := range Deviations {
		if slices.Contains(d.Operations, operationID) {
			devs = append(devs, d)
		}
	}
	if len(devs) == 0 || len(bytes.TrimSpace(body)) == 0 {
		return body
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return body // not an object: validation reports it as it is
	}
	items := []map[string]any{doc}
	if list, ok := doc["list"].([]any); ok {
		items = items[:0]
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				items = append(items, m)
			}
		}
	}
	for _, d := range devs {
		for _, it := range items {
			d.Adapt(it)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return body
	}
	return out
}
