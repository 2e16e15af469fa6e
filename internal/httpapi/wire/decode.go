package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
)

// Decode reads r's JSON body into v. It answers 415 E0000021 for a body that is not JSON, 400
// E0000003 for malformed JSON or a value of the wrong type, and 413 for a body over the limit.
// Unknown fields are ignored, as Okta's clients may send fields of newer spec versions.
func Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && mt != "application/merge-patch+json") {
			return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeMediaType,
				Summary: "Unsupported media type: " + ct, Causes: []string{"Send the body as application/json."}}
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeValidation,
				Summary: fmt.Sprintf("Api validation failed: the request body is larger than %d bytes", tooBig.Limit)}
		}
		return MalformedJSON("the request body could not be read")
	}
	if len(body) == 0 {
		return MalformedJSON("the request body is empty")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return MalformedJSON(fmt.Sprintf("%s: expected %s, got %s", typeErr.Field, typeErr.Type, typeErr.Value))
		}
		return MalformedJSON(err.Error())
	}
	return nil
}
