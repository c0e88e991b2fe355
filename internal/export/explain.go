package export

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
)

// Explain returns, in Markdown and in lang ("en" or "zh"), the processing
// rules of decl for fields (the fields of a subject's data, as
// [Export.Processing] lists them; nil means every declared field): what
// is processed in which function, why and on which legal basis, with which
// consent; which of it is sensitive; who it is shared with and where it is
// stored or transferred; how long it is kept; which automated decisions
// use it and how to refuse them or ask for a human review; and how to
// exercise rights and whom to contact.
//
// The sections are rendered by [policy.Render] from decl narrowed to those
// fields, so they say word for word what the published policy says about
// them. Fields decl does not declare (values collected under an earlier
// version) are named in the introduction. A field that is not a valid
// field name is refused; nothing is rendered then. Explain only reads
// decl and is safe for concurrent use.
func Explain(decl *policy.Declaration, lang string, fields []string) (string, error) {
	if lang != "en" && lang != "zh" {
		return "", fmt.Errorf("export: explain: %w language %q: use en or zh", policy.ErrUnsupported, lang)
	}
	if decl == nil {
		return "", errors.New("export: explain: no declaration: activate one for the tenant first")
	}
	var undeclared []string
	held := map[string]bool{}
	if fields == nil {
		for _, f := range decl.Fields {
			held[f.ID] = true
		}
	}
	for i, f := range fields {
		if !validFieldName(f) {
			return "", fmt.Errorf("export: explain: fields[%d] is not a field name: use letters, digits and . _ - : /", i)
		}
		if slices.ContainsFunc(decl.Fields, func(df policy.Field) bool { return df.ID == f }) {
			held[f] = true
		} else if !slices.Contains(undeclared, f) {
			undeclared = append(undeclared, f)
		}
	}
	md, err := policy.Render(narrow(decl, held), lang, "md")
	if err != nil {
		return "", fmt.Errorf("export: explain: %w", err)
	}
	body := string(md)
	// The sections start at the first anchor; the policy's title, intro
	// and table of contents before it are replaced by ours.
	if i := strings.Index(body, "\n<a id=\""); i >= 0 {
		body = body[i+1:]
	} else {
		body = ""
	}
	var b strings.Builder
	b.WriteString(explainIntro(decl, lang, len(held)+len(undeclared), undeclared))
	if body != "" {
		b.WriteString("\n")
		b.WriteString(body)
	}
	return b.String(), nil
}

// explainIntro is the title and first paragraphs of Explain's text.
func explainIntro(d *policy.Declaration, lang string, n int, undeclared []string) string {
	var b strings.Builder
	version := mdEscape(d.Version)
	if !d.Effective.IsZero() {
		version += ", " + d.Effective.String()
	}
	codes := make([]string, len(undeclared))
	for i, f := range undeclared {
		codes[i] = "`" + f + "`"
	}
	if lang == "zh" {
		b.WriteString("# 我们如何处理您的个人信息\n\n")
		b.WriteString("以下说明针对我们所持有的关于您的 " + strconv.Itoa(n) + " 项个人信息：我们在哪些功能中处理哪些信息、" +
			"处理目的和法律依据、是否需要您的同意、哪些属于敏感个人信息、与谁共享、存储于何处及是否出境、保存多久、" +
			"哪些自动化决策使用这些信息以及如何拒绝或要求人工复核，以及您如何行使权利、如何联系我们。" +
			"内容与我们的隐私政策（版本 " + version + "）一致。\n")
		if len(codes) > 0 {
			b.WriteString("\n我们还持有以下信息，现行隐私政策已不再列出：" + strings.Join(codes, "、") +
				"。如需了解其处理规则，请通过下文所列方式联系我们。\n")
		}
		return b.String()
	}
	b.WriteString("# How we process your personal information\n\n")
	kinds := strconv.Itoa(n) + " kinds"
	if n == 1 {
		kinds = "1 kind"
	}
	b.WriteString("This explains, for the " + kinds + " of personal information we hold about you, " +
		"what we process in which function, why and on which legal basis, whether it needs your consent, " +
		"which of it is sensitive, who we share it with, where it is stored and whether it leaves the country, " +
		"how long we keep it, which automated decisions use it and how to refuse them or ask for a human review, " +
		"and how to exercise your rights and contact us. It says what our privacy policy (version " + version + ") says.\n")
	if len(codes) > 0 {
		b.WriteString("\nWe also hold information of kinds the current policy no longer lists: " + strings.Join(codes, ", ") +
			". Contact us in the ways below to learn how it is processed.\n")
	}
	return b.String()
}

// narrow returns a copy of d that keeps, of what is collected, shared,
// transferred, kept and decided, only what concerns the held fields, and
// leaves out the sections that do not concern them (cookies, security,
// minors, changes, definitions, commitments). d is not changed.
func narrow(d *policy.Declaration, held map[string]bool) *policy.Declaration {
	n := *d
	keep := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if held[id] {
				out = append(out, id)
			}
		}
		return out
	}
	cats := map[string]bool{}
	n.Fields = nil
	for _, f := range d.Fields {
		if held[f.ID] {
			n.Fields = append(n.Fields, f)
			cats[f.Category] = true
		}
	}
	n.Categories = nil
	for _, c := range d.Categories {
		if cats[c.ID] {
			n.Categories = append(n.Categories, c)
		}
	}
	// Permissions that expose held fields, or that name no fields.
	perms := map[string]bool{}
	for _, p := range d.Permissions {
		perms[p.ID] = len(p.Fields) == 0 || len(keep(p.Fields)) > 0
	}
	functions := map[string]bool{}
	n.Functions = nil
	for _, fn := range d.Functions {
		if fs := keep(fn.Fields); len(fs) > 0 {
			fn.Fields = fs
			fn.Permissions = slices.DeleteFunc(slices.Clone(fn.Permissions), func(p string) bool { return !perms[p] })
			n.Functions = append(n.Functions, fn)
			functions[fn.ID] = true
		}
	}
	n.Permissions = nil
	for _, p := range d.Permissions {
		fns := slices.DeleteFunc(slices.Clone(p.Functions), func(f string) bool { return !functions[f] })
		if perms[p.ID] && len(fns) > 0 {
			p.Functions, p.Fields = fns, keep(p.Fields)
			n.Permissions = append(n.Permissions, p)
		}
	}
	n.Recipients = nil
	for _, r := range d.Recipients {
		if fs := keep(r.Fields); len(fs) > 0 {
			r.Fields = fs
			n.Recipients = append(n.Recipients, r)
		}
	}
	n.Storage.Transfers = nil
	for _, t := range d.Storage.Transfers {
		if fs := keep(t.Fields); len(fs) > 0 {
			t.Fields = fs
			n.Storage.Transfers = append(n.Storage.Transfers, t)
		}
	}
	n.Retention = nil
	for _, r := range d.Retention {
		covers := false
		for _, f := range n.Fields {
			if retentionCovers(r, f.ID, f.Category, purposesOfField(&n, f.ID)) {
				covers = true
				break
			}
		}
		if !covers {
			continue
		}
		r.Fields = keep(r.Fields)
		r.Categories = slices.DeleteFunc(slices.Clone(r.Categories), func(c string) bool { return !cats[c] })
		r.Anonymize = slices.DeleteFunc(slices.Clone(r.Anonymize), func(s policy.AnonymizeStep) bool { return !held[s.Field] })
		n.Retention = append(n.Retention, r)
	}
	n.AutomatedDecisions = nil
	for _, a := range d.AutomatedDecisions {
		if fs := keep(a.Fields); len(fs) > 0 {
			a.Fields = fs
			n.AutomatedDecisions = append(n.AutomatedDecisions, a)
		}
	}
	n.Cookies = nil
	n.Security = policy.Security{}
	n.Incidents = policy.IncidentPolicy{}
	n.Minors = policy.Minors{}
	n.Changes = policy.ChangePolicy{}
	n.Definitions = nil
	n.Commitments = nil
	return &n
}

// purposesOfField returns the purposes of the functions of d that use
// field.
func purposesOfField(d *policy.Declaration, field string) []string {
	var out []string
	for _, fn := range d.Functions {
		if slices.Contains(fn.Fields, field) {
			out = append(out, fn.Purposes...)
		}
	}
	return out
}

// validFieldName reports whether s is a name the store accepts for a
// field: letters, digits and . _ - : /, starting with a letter or digit.
// Such a name is safe in a Markdown code span.
func validFieldName(s string) bool {
	if s == "" || len(s) > store.MaxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case i > 0 && strings.IndexByte("._-:/", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// mdEscape escapes every ASCII punctuation character of s with a
// backslash, which CommonMark renders as the character itself, and
// folds line breaks into spaces: declaration text cannot start markup.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
