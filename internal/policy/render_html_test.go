package policy

import (
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// headings returns the text of every h1-h4 of an HTML page, in order.
func headings(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type == html.ElementNode && slices.Contains([]string{"h1", "h2", "h3", "h4"}, n.Data) {
			out = append(out, nodeText(n))
		}
	}
	return out
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// voidElements have no end tag.
var voidElements = map[string]bool{"meta": true, "link": true, "br": true, "hr": true, "img": true, "input": true}

// TestRenderHTML checks that each page is well formed (every element closed
// in order), self-contained and accessible: a language, a charset, a
// viewport, unique ids, working anchors, and header cells in every table.
func TestRenderHTML(t *testing.T) {
	for _, c := range goldenCases(t) {
		for _, lang := range renderLangs {
			t.Run(c.name+"."+lang, func(t *testing.T) {
				page := mustRender(t, c.decl, lang, "html")
				checkBalanced(t, page)
				doc, err := html.Parse(strings.NewReader(page))
				if err != nil {
					t.Fatal(err)
				}
				ids, hrefs := map[string]bool{}, []string{}
				var htmlLang string
				var charset, viewport bool
				for n := range doc.Descendants() {
					if n.Type != html.ElementNode {
						continue
					}
					switch n.Data {
					case "html":
						htmlLang = attr(n, "lang")
					case "meta":
						charset = charset || attr(n, "charset") == "utf-8"
						viewport = viewport || attr(n, "name") == "viewport"
					case "table":
						checkTable(t, n)
					case "script", "link", "img", "iframe":
						t.Errorf("page is not self-contained: <%s>", n.Data)
					case "a":
						if h := attr(n, "href"); strings.HasPrefix(h, "#") {
							hrefs = append(hrefs, h[1:])
						}
					}
					if id := attr(n, "id"); id != "" {
						if ids[id] {
							t.Errorf("duplicate id %q", id)
						}
						ids[id] = true
					}
				}
				if want := map[string]string{"en": "en", "zh": "zh-CN"}[lang]; htmlLang != want {
					t.Errorf("lang = %q, want %q", htmlLang, want)
				}
				if !charset || !viewport {
					t.Errorf("charset %v, viewport %v: want both", charset, viewport)
				}
				for _, h := range hrefs {
					if !ids[h] {
						t.Errorf("link to #%s, which is not on the page", h)
					}
				}
				if len(hrefs) == 0 {
					t.Error("no table of contents")
				}
			})
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// checkTable checks a table has a header row of <th scope=col> and rows as
// wide as it.
func checkTable(t *testing.T, table *html.Node) {
	t.Helper()
	cols := -1
	for tr := range table.Descendants() {
		if tr.Type != html.ElementNode || tr.Data != "tr" {
			continue
		}
		n := 0
		for cell := range tr.ChildNodes() {
			if cell.Type != html.ElementNode {
				continue
			}
			if cols < 0 && (cell.Data != "th" || attr(cell, "scope") != "col") {
				t.Errorf("header cell <%s scope=%q>, want <th scope=col>", cell.Data, attr(cell, "scope"))
			}
			n++
		}
		if cols < 0 {
			cols = n
		} else if n != cols {
			t.Errorf("row of %d cells in a table of %d columns", n, cols)
		}
	}
	if cols <= 0 {
		t.Error("table without a header row")
	}
}

// checkBalanced checks that every element is closed, in order.
func checkBalanced(t *testing.T, page string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	var stack []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			if len(stack) > 0 {
				t.Errorf("unclosed elements: %v", stack)
			}
			return
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				stack = append(stack, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(name) {
				t.Fatalf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// mdCells splits a Markdown table row at its unescaped pipes.
func mdCells(row string) []string {
	var cells []string
	var cur strings.Builder
	escaped := false
	for _, r := range strings.TrimSpace(row) {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case r == '|':
			cells = append(cells, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	cells = append(cells, cur.String())
	return cells[1 : len(cells)-1] // the row starts and ends with a pipe
}

// checkMarkdownTables checks every row of every table has as many cells as
// its header.
func checkMarkdownTables(t *testing.T, md string) {
	t.Helper()
	cols := 0
	for i, l := range strings.Split(md, "\n") {
		if !strings.HasPrefix(l, "|") {
			cols = 0
			continue
		}
		n := len(mdCells(l))
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("line %d: %d cells in a table of %d columns: %s", i+1, n, cols, l)
		}
	}
}

// TestRenderEscaping checks that declaration text is always text: never
// markup in HTML or Markdown, never a broken table, never a script link.
func TestRenderEscaping(t *testing.T) {
	d := fullDecl(t)
	const evil = `Email <script>alert("x")</script> | *b* _i_ [l](u) &lt; ` + "`c`"
	d.Fields[0].Label = Text{EN: evil, ZH: evil}
	d.Functions[0].Name = Text{EN: "# " + evil, ZH: "# " + evil}
	d.Permissions[0].Purpose = Text{EN: evil, ZH: evil}
	d.Definitions[0].Term = Text{EN: "1. " + evil, ZH: "1. " + evil}
	d.Sharing.Exceptions[0] = Text{EN: "- " + evil + "\n\nsecond paragraph", ZH: "- " + evil}
	for _, lang := range renderLangs {
		page := mustRender(t, d, lang, "html")
		checkBalanced(t, page)
		if strings.Contains(page, "<script") || strings.Contains(page, `href="javascript:`) {
			t.Errorf("%s HTML: unescaped script", lang)
		}
		if !strings.Contains(page, "&lt;script&gt;") {
			t.Errorf("%s HTML: the label is not shown as text", lang)
		}
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && n.Data == "th" && attr(n, "scope") == "row" && nodeText(n) == evil {
				found = true
			}
		}
		if !found {
			t.Errorf("%s HTML: no table cell reads exactly %q", lang, evil)
		}

		md := mustRender(t, d, lang, "md")
		if strings.Contains(md, "<script") || strings.Contains(md, "](javascript:") {
			t.Errorf("%s Markdown: unescaped script", lang)
		}
		for _, want := range []string{
			`Email &lt;script>alert("x")&lt;/script> \| \*b\* \_i\_ \[l\](u) &amp;lt; \` + "`c\\`",
			"### # Email", // a heading's text cannot become another heading
		} {
			if !strings.Contains(md, want) {
				t.Errorf("%s Markdown: no %q", lang, want)
			}
		}
		for _, bad := range []string{"\n# Email", "\n1. Email", "\n- Email"} {
			if strings.Contains(md, bad) {
				t.Errorf("%s Markdown: declaration text starts a block: %q", lang, bad)
			}
		}
		checkMarkdownTables(t, md)
	}
}

func TestRenderMarkdownTables(t *testing.T) {
	for _, c := range goldenCases(t) {
		for _, lang := range renderLangs {
			checkMarkdownTables(t, mustRender(t, c.decl, lang, "md"))
		}
	}
}
