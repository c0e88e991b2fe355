package policy

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite golden files and the published schema")

const schemaPath = "../../docs/declaration.schema.json"

// TestSchemaPublished keeps docs/declaration.schema.json equal to the schema
// generated from the Go types (go test ./internal/policy -update rewrites it).
func TestSchemaPublished(t *testing.T) {
	r := new(jsonschema.Reflector)
	if err := r.AddGoComments("github.com/trustee-dev/trustee/internal/policy", "./"); err != nil {
		t.Fatal(err)
	}
	got, err := JSONSchema(r.CommentMap)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.MkdirAll(filepath.Dir(schemaPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(schemaPath, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/policy -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: run go test ./internal/policy -run TestSchemaPublished -update", schemaPath)
	}
	// The published schema must itself be a valid JSON Schema.
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	c := sjs.NewCompiler()
	if err := c.AddResource(SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile(SchemaID); err != nil {
		t.Fatalf("published schema does not compile: %v", err)
	}
}
