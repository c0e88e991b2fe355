package policy

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// SchemaID is the $id of the published declaration JSON Schema.
const SchemaID = "https://trustee.dev/schema/declaration-v1.json"

// JSONSchema returns the JSON Schema of the declaration format, generated
// from the Go types. comments maps type and field paths to their doc
// comments (see jsonschema.Reflector.AddGoComments); it may be nil.
func JSONSchema(comments map[string]string) ([]byte, error) {
	r := &jsonschema.Reflector{
		BaseSchemaID:   SchemaID,
		ExpandedStruct: true,
		CommentMap:     comments,
	}
	s := r.Reflect(&Declaration{})
	s.ID = SchemaID
	s.Title = "trustee declaration (policy as code), " + SchemaV1
	return json.MarshalIndent(s, "", "  ")
}
