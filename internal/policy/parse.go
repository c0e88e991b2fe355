package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Pos is a position in a declaration file.
type Pos struct {
	File   string
	Line   int
	Column int
}

// String returns "file:line:column".
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// Error is a problem in a declaration file, at a position, with a hint on
// how to fix it.
type Error struct {
	Pos  Pos
	Path string
	Msg  string
	Hint string
}

// Error returns "file:line:col: message (hint)".
func (e *Error) Error() string {
	s := e.Pos.String() + ": " + e.Msg
	if e.Hint != "" {
		s += " (fix: " + e.Hint + ")"
	}
	return s
}

// ErrInvalid is wrapped by every error Parse returns for bad input, so
// callers can tell bad input (exit 2) from other failures.
var ErrInvalid = errors.New("invalid declaration")

// Errors is a list of problems found in one declaration.
type Errors []*Error

// Error joins the problems, one a line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (es Errors) Unwrap() error { return ErrInvalid }

// Document is a parsed declaration with the positions of its nodes, so that
// lint findings can point at file:line:column.
type Document struct {
	File string
	Decl *Declaration
	pos  map[string]Pos
	// byValue maps a value's line and column to its path, to name the key
	// of a value the YAML decoder rejects.
	byValue map[[2]int]string
}

// maxSize bounds a declaration file; real ones are well under 1 MiB.
const maxSize = 4 << 20

// Parse decodes a declaration strictly (unknown keys and wrong types are
// errors) and checks its structure and references. Every problem comes back
// as an [Errors] with file, line and column. Parse never panics on input.
func Parse(file string, data []byte) (doc *Document, err error) {
	defer func() {
		// The YAML library is fuzzed upstream, but a panic on hostile input
		// must still become an error, never a crash.
		if r := recover(); r != nil {
			doc, err = nil, Errors{{Pos: Pos{File: file, Line: 1, Column: 1}, Msg: fmt.Sprintf("cannot parse: %v", r)}}
		}
	}()
	if len(data) > maxSize {
		return nil, Errors{{Pos: Pos{File: file, Line: 1, Column: 1}, Msg: fmt.Sprintf("file is %d bytes, over the %d-byte limit", len(data), maxSize), Hint: "split the declaration or remove embedded data"}}
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Errors{yamlError(file, err)}
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, Errors{{Pos: Pos{File: file, Line: 1, Column: 1}, Msg: "want exactly one YAML document holding a declaration", Hint: "start the file with `schema: trustee/v1`"}}
	}
	var d Declaration
	doc = &Document{File: file, Decl: &d, pos: map[string]Pos{}, byValue: map[[2]int]string{}}
	ast.Walk(posVisitor{doc}, f.Docs[0].Body)
	if err := yaml.UnmarshalWithOptions(data, &d, yaml.Strict()); err != nil {
		e := yamlError(file, err)
		if p, ok := doc.byValue[[2]int{e.Pos.Line, e.Pos.Column}]; ok {
			e.Path = p
			e.Msg = strings.TrimPrefix(p, "$.") + ": " + e.Msg
		}
		return nil, Errors{e}
	}
	if errs := doc.check(); len(errs) > 0 {
		return doc, errs
	}
	return doc, nil
}

type posVisitor struct{ d *Document }

func (v posVisitor) Visit(n ast.Node) ast.Visitor {
	if n == nil {
		return v
	}
	if mv, ok := n.(*ast.MappingValueNode); ok {
		// Point at the key: "field: value" errors read best there.
		v.record(mv.Value.GetPath(), mv.Key.GetToken())
		if tk := mv.Value.GetToken(); tk != nil && tk.Position != nil {
			v.d.byValue[[2]int{tk.Position.Line, tk.Position.Column}] = mv.Value.GetPath()
		}
		return v
	}
	if tk := n.GetToken(); tk != nil {
		if _, seen := v.d.pos[n.GetPath()]; !seen {
			v.record(n.GetPath(), tk)
		}
	}
	return v
}

func (v posVisitor) record(path string, tk *token.Token) {
	if tk == nil || tk.Position == nil || path == "" {
		return
	}
	v.d.pos[path] = Pos{File: v.d.File, Line: tk.Position.Line, Column: tk.Position.Column}
}

// yamlError turns a YAML library error into an [Error] with a position.
func yamlError(file string, err error) *Error {
	e := &Error{Pos: Pos{File: file, Line: 1, Column: 1}, Msg: err.Error()}
	var ye yaml.Error
	if errors.As(err, &ye) {
		e.Msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Pos.Line, e.Pos.Column = tk.Position.Line, tk.Position.Column
		}
	}
	switch {
	case strings.Contains(e.Msg, "unknown field"):
		e.Hint = "remove the key or correct its spelling; docs/declaration.schema.json lists every key"
	case strings.Contains(e.Msg, "cannot unmarshal"):
		e.Hint = "give the value the type the schema asks for"
	}
	return e
}

// Pos returns the position of the node at path (YAML path syntax, such as
// "$.functions[2].fields[0]"), or of its nearest ancestor that has one.
func (d *Document) Pos(path string) Pos {
	for p := path; p != ""; p = parentPath(p) {
		if pos, ok := d.pos[p]; ok {
			return pos
		}
	}
	return Pos{File: d.File, Line: 1, Column: 1}
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// Paths returns every recorded path in order, for tests.
func (d *Document) Paths() []string {
	out := make([]string, 0, len(d.pos))
	for p := range d.pos {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
