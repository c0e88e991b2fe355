// Package examples_test checks each seed product's declaration against a
// list of concrete facts taken from the seed policy's text: the declaration
// must hold each fact, and the rendered English policy must say it.
package examples_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trustee-dev/trustee/internal/policy"
)

// load parses an example declaration and fails the test on any error.
func load(t *testing.T, file string) *policy.Declaration {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(file, data)
	if err != nil {
		t.Fatalf("parse %s:\n%v", file, err)
	}
	return doc.Decl
}

// rendered returns the declaration's policy in lang as Markdown.
func rendered(t *testing.T, d *policy.Declaration, lang string) string {
	t.Helper()
	out, err := policy.Render(d, lang, "md")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// says fails the test unless the text contains every phrase, ignoring case
// and runs of white space.
func says(t *testing.T, text string, phrases ...string) {
	t.Helper()
	norm := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	n := norm(text)
	for _, p := range phrases {
		if !strings.Contains(n, norm(p)) {
			t.Errorf("rendered policy does not say %q", p)
		}
	}
}

// field, purpose, function, recipient, permission and retention find a
// declared element by id, failing the test when it is absent.
func field(t *testing.T, d *policy.Declaration, id string) policy.Field {
	t.Helper()
	return byID(t, "field", d.Fields, id, func(f policy.Field) string { return f.ID })
}

func purpose(t *testing.T, d *policy.Declaration, id string) policy.Purpose {
	t.Helper()
	return byID(t, "purpose", d.Purposes, id, func(p policy.Purpose) string { return p.ID })
}

func function(t *testing.T, d *policy.Declaration, id string) policy.Function {
	t.Helper()
	return byID(t, "function", d.Functions, id, func(f policy.Function) string { return f.ID })
}

func recipient(t *testing.T, d *policy.Declaration, id string) policy.Recipient {
	t.Helper()
	return byID(t, "recipient", d.Recipients, id, func(r policy.Recipient) string { return r.ID })
}

func permission(t *testing.T, d *policy.Declaration, id string) policy.Permission {
	t.Helper()
	return byID(t, "permission", d.Permissions, id, func(p policy.Permission) string { return p.ID })
}

func retention(t *testing.T, d *policy.Declaration, id string) policy.RetentionRule {
	t.Helper()
	return byID(t, "retention rule", d.Retention, id, func(r policy.RetentionRule) string { return r.ID })
}

// byID finds the element of list whose id is id, failing the test when
// there is none.
func byID[T any](t *testing.T, what string, list []T, id string, idOf func(T) string) T {
	t.Helper()
	for _, x := range list {
		if idOf(x) == id {
			return x
		}
	}
	t.Fatalf("%s %q not declared", what, id)
	var zero T
	return zero
}

// period parses a period for comparisons in fact tables.
func period(t *testing.T, s string) policy.Period {
	t.Helper()
	p, err := policy.ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExamplesMatchSchema validates every example against the published
// JSON Schema, so the schema and the parser cannot disagree unnoticed.
func TestExamplesMatchSchema(t *testing.T) {
	raw, err := os.ReadFile("../docs/declaration.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(policy.SchemaID, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(policy.SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.yaml")
	if len(files) < 5 {
		t.Fatalf("want the five seed declarations, found %v", files)
	}
	for _, f := range files {
		y, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		j, err := yaml.YAMLToJSON(y)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s does not match the published schema:\n%v", f, err)
		}
	}
}

// TestExamplesLintClean: every example declaration lints clean. A finding is
// either a gap in the declaration or a bug in lint; neither is waved through.
func TestExamplesLintClean(t *testing.T) {
	files, _ := filepath.Glob("*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := policy.Parse(f, data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, finding := range policy.Lint(doc) {
			t.Error(finding)
		}
	}
}

// eq fails the test unless got deeply equals want.
func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// has fails the test unless list holds every item.
func has(t *testing.T, what string, list []string, items ...string) {
	t.Helper()
	for _, it := range items {
		if !slices.Contains(list, it) {
			t.Errorf("%s = %v, want it to contain %q", what, list, it)
		}
	}
}

// categoryOf finds a declared category by id.
func categoryOf(t *testing.T, d *policy.Declaration, id string) policy.Category {
	t.Helper()
	return byID(t, "category", d.Categories, id, func(c policy.Category) string { return c.ID })
}

// permissionOn finds a declared permission and checks its platform names.
func permissionOn(t *testing.T, d *policy.Declaration, id string, android, ios, harmonyos []string) policy.Permission {
	t.Helper()
	p := permission(t, d, id)
	eq(t, id+" android", p.Android, android)
	eq(t, id+" ios", p.IOS, ios)
	eq(t, id+" harmonyos", p.HarmonyOS, harmonyos)
	return p
}
