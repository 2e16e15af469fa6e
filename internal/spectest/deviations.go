package spectest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
)

// A Deviation is one known way in which keyward, following live OPA, answers differently from
// what an OPA document declares. Real clients (the OPA Terraform provider above all) are written
// against live OPA, so keyward follows it; each deviation is named here, with its reason, and in
// docs/opa.md. A Spec obtained with WithDeviations checks a response a deviation covers with the
// deviation's Check instead of the document; every other response is validated as before.
type Deviation struct {
	Name   string // short and stable: docs/opa.md names it too
	Reason string // what live OPA does, and which client depends on it
	// Applies reports whether the deviation covers a response.
	Applies func(r Response) bool
	// Check validates a covered response in the document's stead.
	Check func(r Response) error
}

// Response is what a deviation looks at.
type Response struct {
	Document    string // e.g. "opa-projects.yaml"
	OperationID string
	Status      int
	Declared    bool // the operation declares Status (or a default response)
	Header      http.Header
	Body        []byte
}

// Deviations are the live-behaviour deviations from the OPA documents. To add one, append an
// entry built from the helpers below (or any Applies and Check) and name it in docs/opa.md.
var Deviations = []Deviation{
	{
		Name: "resource-group-put-204",
		Reason: "PUT of a resource group answers 204 without a body; the document says 200 with the resource group, " +
			"but live OPA answers 204 and the OPA Terraform provider accepts only 204",
		Applies: operationAnswers(http.StatusNoContent, "UpdateResourceGroup"),
		Check:   noBody,
	},
	{
		Name: "project-put-204",
		Reason: "PUT of a project answers 204 without a body (and merges the fields sent); the document says 200 with " +
			"the project, but live OPA answers 204 and the OPA Terraform provider accepts only 204",
		Applies: operationAnswers(http.StatusNoContent, "UpdateResourceGroupProject"),
		Check:   noBody,
	},
	{
		Name: "error-type-field",
		Reason: "the document's error schemas name the error kind `nottype`; live OPA's error bodies, and every " +
			"client, use `type`: declared error responses must be OPA's {code, message, type}",
		Applies: func(r Response) bool { return r.Declared && r.Status >= 400 },
		Check:   opaErrorBody,
	},
	{
		Name: "undeclared-error-statuses",
		Reason: "the document declares 403, 404, 409 and 412 on few operations, yet live OPA answers them on any " +
			"(an unknown id, a name taken, a resource group still holding projects): accepted with OPA's error body",
		Applies: func(r Response) bool {
			return !r.Declared && slices.Contains([]int{403, 404, 409, 412}, r.Status)
		},
		Check: opaErrorBody,
	},
	{
		Name: "server-enrollment-token-string",
		Reason: "ServerEnrollmentToken.token is typed as an object, but live OPA sends a string (base64 of a JSON " +
			"document the agent configures itself from) and the OPA Terraform provider fails on an object in create, get and list",
		Applies: operationsSucceed("CreateResourceGroupProjectServerEnrollmentToken", "GetResourceGroupProjectServerEnrollmentToken",
			"ListResourceGroupProjectServerEnrollmentTokens"),
		Check: eachItem(enrollmentToken),
	},
	{
		Name: "server-null-fields",
		Reason: "Server marks bastion, canonical_name, access_address, os, sftd_version and deleted_at required and not " +
			"nullable, but live OPA sends null where a server has none (as the document's own example does)",
		Applies: operationsSucceed("ListResourceGroupProjectServers", "GetResourceGroupProjectServer",
			"ListAllServersForResourceGroup", "ListAllServersForAdmin", "ListServers"),
		Check: eachItem(server),
	},
}

// operationAnswers covers the responses with status to the named operations.
func operationAnswers(status int, operationIDs ...string) func(Response) bool {
	return func(r Response) bool { return r.Status == status && slices.Contains(operationIDs, r.OperationID) }
}

// noBody accepts an empty body only.
func noBody(r Response) error {
	if len(r.Body) != 0 {
		return fmt.Errorf("want no body, got %d bytes", len(r.Body))
	}
	return nil
}

// opaErrorBody accepts a complete OPA error object whose code is the status.
func opaErrorBody(r Response) error {
	if err := dialectOPA.checkError(r.Header, r.Body); err != nil {
		return err
	}
	var e struct {
		Code int `json:"code"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Code != r.Status {
		return fmt.Errorf("code %d is not the status %d", e.Code, r.Status)
	}
	return nil
}

// WithDeviations returns a Spec sharing s's document that checks the responses the deviations
// cover with their own Check. Load's Spec holds the document as written, with none.
func (s *Spec) WithDeviations(ds []Deviation) *Spec {
	c := *s
	c.deviations = ds
	return &c
}

// deviation returns the first deviation covering r, or nil. Deviations are of the OPA
// documents only.
func (s *Spec) deviation(r Response) *Deviation {
	if s.profile.dialect != dialectOPA {
		return nil
	}
	for i := range s.deviations {
		if s.deviations[i].Applies(r) {
			return &s.deviations[i]
		}
	}
	return nil
}
