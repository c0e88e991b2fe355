package policy

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The view model of a rendered policy. Everything the reader sees is
// composed here, in one language, as a small tree of blocks; the Markdown
// and HTML templates only lay the blocks out, so the two formats cannot say
// different things.

// rView is a whole rendered policy.
type rView struct {
	// HTMLLang is the value of <html lang>: "en" or "zh-CN".
	HTMLLang string
	Title    string
	Contents string
	Intro    []rBlock
	Sections []rSection
}

// rSection is one numbered section: an <h2> with an anchor.
type rSection struct {
	ID      string // anchor, stable across languages
	Heading string // with its number: "1. …" or "一、…"
	Blocks  []rBlock
}

// rBlock is one block of a section; exactly one of its fields is set.
type rBlock struct {
	Heading string // a subheading, of Level 3 or 4
	Level   int
	Para    rLine
	List    []rLine
	Ordered bool
	Facts   []rFact
	Table   *rTable
}

// rLine is a run of inline text.
type rLine []rRun

// rRun is a piece of inline text: plain, strong, code or a link.
type rRun struct {
	Text   string
	Strong bool
	Code   bool
	URL    string
}

// rFact is a label and its value, such as "Type of function: Core function".
type rFact struct {
	Label string
	Value rLine
	// Colon separates label and value in Markdown: ": " or "：".
	Colon string
}

// rTable is a table with a header row. Label names it for assistive
// technology.
type rTable struct {
	Label string
	Head  []string
	Rows  [][]rLine
}

func rPlain(s string) rRun  { return rRun{Text: s} }
func rStrong(s string) rRun { return rRun{Text: s, Strong: true} }
func rCode(s string) rRun   { return rRun{Text: s, Code: true} }

// rLink returns a link run, or plain text when url is not an http, https or
// mailto URL: a declaration cannot smuggle javascript: into either format.
func rLink(text, url string) rRun {
	u := strings.ToLower(url)
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "mailto:") {
		return rRun{Text: text, URL: url}
	}
	return rPlain(text)
}

func rLineOf(runs ...rRun) rLine { return runs }

func rText(s string) rLine { return rLine{rPlain(s)} }

func rPara(l rLine) rBlock      { return rBlock{Para: l} }
func rParaText(s string) rBlock { return rPara(rText(s)) }
func rHeading(s string) rBlock  { return rBlock{Heading: s, Level: 3} }
func rHeading4(s string) rBlock { return rBlock{Heading: s, Level: 4} }

// empty reports whether the line has no visible text.
func (l rLine) empty() bool {
	for _, r := range l {
		if strings.TrimSpace(r.Text) != "" {
			return false
		}
	}
	return true
}

// rParagraphs splits declaration text into paragraphs at blank lines, and
// joins the lines of each paragraph (YAML block scalars keep them).
func rParagraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = rJoinLines(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// rOneLine returns declaration text as a single line, for cells and list
// items.
func rOneLine(s string) string {
	return rJoinLines(strings.Join(rParagraphs(s), "\n"))
}

// rJoinLines joins lines with a space, or with nothing between two Chinese
// characters, and collapses runs of white space.
func rJoinLines(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(l)
			if !rIsCJK(prev) || !rIsCJK(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// rIsCJK reports whether r is a Han character or CJK punctuation, between
// which Chinese text has no spaces.
func rIsCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// rPrune drops the columns after the first whose cells are all empty,
// and puts a dash in the empty cells that remain.
func rPrune(t *rTable) *rTable {
	keep := make([]bool, len(t.Head))
	for c := range t.Head {
		keep[c] = c == 0
		for _, row := range t.Rows {
			if c < len(row) && !row[c].empty() {
				keep[c] = true
			}
		}
	}
	out := &rTable{Label: t.Label}
	for c, h := range t.Head {
		if keep[c] {
			out.Head = append(out.Head, h)
		}
	}
	for _, row := range t.Rows {
		var r []rLine
		for c := range t.Head {
			if !keep[c] {
				continue
			}
			cell := rLine(nil)
			if c < len(row) {
				cell = row[c]
			}
			if cell.empty() {
				cell = rText("—")
			}
			r = append(r, cell)
		}
		out.Rows = append(out.Rows, r)
	}
	return out
}

// Markdown escaping. Text from a declaration is untrusted: it must read as
// the same text, never as Markdown markup or raw HTML.

// rmdInline escapes text for use inside a line of Markdown.
func rmdInline(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '_':
			// An underscore between two letters or digits cannot start or
			// end emphasis: ACCESS_NETWORK_STATE stays readable.
			if rmdWordAt(s[:i], false) && rmdWordAt(s[i+1:], true) {
				b.WriteByte('_')
				continue
			}
			b.WriteString(`\_`)
		case '\\', '`', '*', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '&':
			if rmdEntityAt(s[i+1:]) {
				b.WriteString("&amp;")
			} else {
				b.WriteByte('&')
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// rmdWordAt reports whether the rune at the start (or, if !first, the end)
// of s is a letter or a digit.
func rmdWordAt(s string, first bool) bool {
	var r rune
	if first {
		r, _ = utf8.DecodeRuneInString(s)
	} else {
		r, _ = utf8.DecodeLastRuneInString(s)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// rmdEntityAt reports whether s, following an '&', would make an HTML
// character reference such as "&lt;" or "&#60;".
func rmdEntityAt(s string) bool {
	s = strings.TrimPrefix(s, "#")
	n := 0
	for n < len(s) && n < 32 && (s[n] < utf8.RuneSelf) && (unicode.IsLetter(rune(s[n])) || unicode.IsDigit(rune(s[n]))) {
		n++
	}
	return n > 0 && n < len(s) && s[n] == ';'
}

// rmdLineStart escapes what would start a block (heading, quote, list,
// thematic break) at the start of a line of Markdown.
func rmdLineStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '>', '+', '-', '=':
		return `\` + s
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// rmdCode returns s as a Markdown code span, with enough backticks around it.
func rmdCode(s string, cell bool) string {
	if cell {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

var rmdURLEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "|", "%7C", "\\", "%5C")

// rmdURL escapes a link destination.
func rmdURL(u string) string { return rmdURLEscaper.Replace(u) }

// rmdRuns renders a line as Markdown. Inside a table cell, '|' in code spans
// is escaped too (GFM splits cells before it parses code spans).
func rmdRuns(l rLine, cell bool) string {
	var b strings.Builder
	for _, r := range l {
		switch {
		case r.URL != "":
			b.WriteString("[" + rmdInline(r.Text) + "](" + rmdURL(r.URL) + ")")
		case r.Code:
			b.WriteString(rmdCode(r.Text, cell))
		case r.Strong:
			b.WriteString("**" + rmdInline(r.Text) + "**")
		default:
			b.WriteString(rmdInline(r.Text))
		}
	}
	return b.String()
}

// rmdBlock renders a line that starts a Markdown block.
func rmdBlock(l rLine) string { return rmdLineStart(rmdRuns(l, false)) }

// rmdCell renders a line in a table cell.
func rmdCell(l rLine) string { return rmdRuns(l, true) }

// rmdHeading escapes the text of an ATX heading, whose trailing '#'s would
// otherwise be taken for a closing sequence.
func rmdHeading(s string) string {
	s = rmdInline(s)
	if strings.HasSuffix(s, "#") {
		s = s[:len(s)-1] + `\#`
	}
	return s
}
