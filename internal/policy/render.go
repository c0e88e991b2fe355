package policy

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
)

// ErrUnsupported is wrapped by the error [Render] returns for a language or
// format it does not support.
var ErrUnsupported = errors.New("unsupported")

//go:embed templates/*.tmpl
var renderTemplates embed.FS

var (
	mdTemplate = texttemplate.Must(texttemplate.New("policy.md.tmpl").Funcs(texttemplate.FuncMap{
		"heading": rmdHeading,
		"inline":  rmdInline,
		"start":   rmdBlock,
		"line":    func(l rLine) string { return rmdRuns(l, false) },
		"cell":    rmdCell,
		"hashes":  func(n int) string { return strings.Repeat("#", n) },
		"inc":     func(i int) int { return i + 1 },
	}).ParseFS(renderTemplates, "templates/policy.md.tmpl"))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("policy.html.tmpl").ParseFS(renderTemplates, "templates/policy.html.tmpl"))
)

// Render returns the complete human-readable policy of d in lang ("en" or
// "zh") and format ("md" for GitHub-flavoured Markdown, "html" for one
// self-contained page). Every sentence comes from the declaration, the
// taxonomy's labels or fixed text in both languages; the output depends on
// nothing else, so the same declaration always renders to the same bytes.
// Render does not check d: give it a declaration from [Parse]. It is safe
// for concurrent use.
func Render(d *Declaration, lang, format string) ([]byte, error) {
	if lang != "en" && lang != "zh" {
		return nil, fmt.Errorf("%w language %q: use en or zh", ErrUnsupported, lang)
	}
	if format != "md" && format != "html" {
		return nil, fmt.Errorf("%w format %q: use md or html", ErrUnsupported, format)
	}
	if d == nil {
		return nil, errors.New("render: no declaration")
	}
	v := newViewBuilder(d, lang).build()
	var b bytes.Buffer
	var err error
	if format == "md" {
		err = mdTemplate.Execute(&b, v)
	} else {
		err = htmlTemplate.Execute(&b, v)
	}
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", lang, format, err)
	}
	return b.Bytes(), nil
}
