package fakesheets

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
)

// errorBody is an error in Google's JSON shape, its fields in Google's
// order: {"error": {"code", "message", "status", "details"}}, each detail
// a google.protobuf.Any ("@type" first, then the message's fields in
// their proto order; map fields such as ErrorInfo.metadata in no set
// order, here sorted). errorshape_test.go checks it against recordings.
func errorBody(e *apiError) ordered {
	body := ordered{{"code", e.code}, {"message", e.message}, {"status", e.status}}
	if len(e.details) > 0 {
		details := make([]any, len(e.details))
		for i, d := range e.details {
			details[i] = inProtoOrder(d, "")
		}
		body = append(body, field{"details", details})
	}
	return ordered{{"error", body}}
}

// protoOrder lists, per message (a detail's @type, or the field holding a
// nested message), its fields in proto order.
var protoOrder = map[string][]string{
	"type.googleapis.com/google.rpc.ErrorInfo":  {"reason", "domain", "metadata"},
	"type.googleapis.com/google.rpc.BadRequest": {"fieldViolations"},
	"type.googleapis.com/google.rpc.Help":       {"links"},
	"fieldViolations":                           {"field", "description"},
	"links":                                     {"description", "url"},
}

// inProtoOrder orders the objects of v: "@type" first, then the fields
// protoOrder knows for the object (by its @type, else by the field that
// holds it), then any others sorted.
func inProtoOrder(v any, holder string) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = inProtoOrder(x, holder)
		}
		return out
	case map[string]any:
		t, _ := v["@type"].(string)
		known := protoOrder[holder]
		if t != "" {
			known = append([]string{"@type"}, protoOrder[t]...)
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			pi, pj := rank(known, keys[i]), rank(known, keys[j])
			if pi != pj {
				return pi < pj
			}
			return keys[i] < keys[j]
		})
		out := make(ordered, len(keys))
		for i, k := range keys {
			out[i] = field{k, inProtoOrder(v[k], k)}
		}
		return out
	}
	return v
}

func rank(known []string, k string) int {
	if i := slices.Index(known, k); i >= 0 {
		return i
	}
	return len(known)
}

// ordered is a JSON object whose fields keep their order.
type ordered []field

type field struct {
	key string
	val any
}

// MarshalJSON writes the fields in order; like writeRaw, it does not
// escape <, > or &.
func (o ordered) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := enc.Encode(f.key); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		buf.WriteByte(':')
		if err := enc.Encode(f.val); err != nil {
			return nil, err
		}
		buf.Truncate(buf.Len() - 1)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
