package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// viewBuilder composes the view model of one declaration in one language.
type viewBuilder struct {
	d    *Declaration
	lang string

	cats       map[string]*Category
	fields     map[string]*Field
	purposes   map[string]*Purpose
	functions  map[string]*Function
	recipients map[string]*Recipient
	channels   map[string]*Channel
}

func newViewBuilder(d *Declaration, lang string) *viewBuilder {
	b := &viewBuilder{
		d: d, lang: lang,
		cats:       make(map[string]*Category, len(d.Categories)),
		fields:     make(map[string]*Field, len(d.Fields)),
		purposes:   make(map[string]*Purpose, len(d.Purposes)),
		functions:  make(map[string]*Function, len(d.Functions)),
		recipients: make(map[string]*Recipient, len(d.Recipients)),
		channels:   make(map[string]*Channel, len(d.Rights.Channels)),
	}
	for i := range d.Categories {
		b.cats[d.Categories[i].ID] = &d.Categories[i]
	}
	for i := range d.Fields {
		b.fields[d.Fields[i].ID] = &d.Fields[i]
	}
	for i := range d.Purposes {
		b.purposes[d.Purposes[i].ID] = &d.Purposes[i]
	}
	for i := range d.Functions {
		b.functions[d.Functions[i].ID] = &d.Functions[i]
	}
	for i := range d.Recipients {
		b.recipients[d.Recipients[i].ID] = &d.Recipients[i]
	}
	for i := range d.Rights.Channels {
		b.channels[d.Rights.Channels[i].ID] = &d.Rights.Channels[i]
	}
	return b
}

// t returns a fixed message in the builder's language, formatted with args
// when there are any.
func (b *viewBuilder) t(m Text, args ...any) string {
	s := m.In(b.lang)
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// in returns declaration text as one line.
func (b *viewBuilder) in(t Text) string { return rOneLine(t.In(b.lang)) }

// enum returns the label of an enumerated value, or the value itself when
// the catalog does not know it.
func (b *viewBuilder) enum(m map[string]Text, id string) string {
	if l, ok := m[id]; ok {
		return l.In(b.lang)
	}
	return id
}

func (b *viewBuilder) zh() bool { return b.lang == "zh" }

// join joins labels as a list: "a, b, c" or "a、b、c".
func (b *viewBuilder) join(items []string) string {
	sep := ", "
	if b.zh() {
		sep = "、"
	}
	return strings.Join(items, sep)
}

// joinAnd joins labels as a list in a sentence: "a, b and c" or "a、b、c".
func (b *viewBuilder) joinAnd(items []string) string {
	if b.zh() || len(items) < 2 {
		return b.join(items)
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// sentences joins sentences: with a space in English, with nothing in
// Chinese. A sentence from the declaration that lacks a full stop gets one,
// so that the next does not run on.
func (b *viewBuilder) sentences(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	for i := 0; i < len(out)-1; i++ {
		if !endsSentence(out[i]) {
			if b.zh() {
				out[i] += "。"
			} else {
				out[i] += "."
			}
		}
	}
	if b.zh() {
		return strings.Join(out, "")
	}
	return strings.Join(out, " ")
}

// endsSentence reports whether s ends with a full stop, question or
// exclamation mark or colon, before any closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, ")]）」』”’\"'")
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?;:。！？；：…", r)
}

// paras returns declaration text as paragraph blocks.
func (b *viewBuilder) paras(t Text) []rBlock {
	var out []rBlock
	for _, p := range rParagraphs(t.In(b.lang)) {
		out = append(out, rParaText(p))
	}
	return out
}

// lead returns a paragraph that starts with a strong label.
func (b *viewBuilder) lead(label, text string) rBlock {
	return rPara(rLineOf(rStrong(label), rPlain(b.colon()+text)))
}

func (b *viewBuilder) colon() string {
	if b.zh() {
		return "："
	}
	return ": "
}

// factsBlock returns a block of facts, each with the language's colon.
func (b *viewBuilder) factsBlock(facts []rFact) rBlock {
	for i := range facts {
		facts[i].Colon = b.colon()
	}
	return rBlock{Facts: facts}
}

// addFact appends a fact when value is not empty.
func addFact(facts []rFact, label string, value rLine) []rFact {
	if value.empty() {
		return facts
	}
	return append(facts, rFact{Label: label, Value: value})
}

// Labels of declared and taxonomy elements. An id that names nothing (a
// declaration Render was given without Parse) shows as itself.

func (b *viewBuilder) categoryLabel(id string) string {
	if c, ok := b.cats[id]; ok && !c.Label.IsZero() {
		return b.in(c.Label)
	}
	if c, ok := taxonomy.LookupCategory(b.categoryTaxonomy(id)); ok {
		return c.Label.In(b.lang)
	}
	return id
}

func (b *viewBuilder) categoryTaxonomy(id string) string {
	if c, ok := b.cats[id]; ok && c.Taxonomy != "" {
		return c.Taxonomy
	}
	return id
}

// sensitive reports whether a declared category is sensitive personal
// information: marked so, or an instance of a sensitive taxonomy category.
func (b *viewBuilder) sensitive(id string) bool {
	if c, ok := b.cats[id]; ok && c.Sensitive {
		return true
	}
	tc, ok := taxonomy.LookupCategory(b.categoryTaxonomy(id))
	return ok && tc.Sensitive
}

func (b *viewBuilder) fieldLabel(id string) string {
	if f, ok := b.fields[id]; ok && !f.Label.IsZero() {
		return b.in(f.Label)
	}
	return id
}

func (b *viewBuilder) fieldLabels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = b.fieldLabel(id)
	}
	return out
}

func (b *viewBuilder) purposeLabel(id string) string {
	if p, ok := b.purposes[id]; ok && !p.Label.IsZero() {
		return b.in(p.Label)
	}
	if p, ok := taxonomy.LookupPurpose(id); ok {
		return p.Label.In(b.lang)
	}
	return id
}

func (b *viewBuilder) purposeLabels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = b.purposeLabel(id)
	}
	return out
}

func (b *viewBuilder) functionLabels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id
		if f, ok := b.functions[id]; ok && !f.Name.IsZero() {
			out[i] = b.in(f.Name)
		}
	}
	return out
}

func (b *viewBuilder) regionLabel(id string) string {
	if r, ok := taxonomy.LookupRegion(id); ok {
		return r.Label.In(b.lang)
	}
	return id
}

func (b *viewBuilder) regionLabels(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = b.regionLabel(id)
	}
	return out
}

func (b *viewBuilder) recipientName(id string) string {
	r, ok := b.recipients[id]
	if !ok {
		return id
	}
	name := b.in(r.Company)
	if p := b.in(r.Product); p != "" {
		name += b.paren(p)
	}
	return name
}

// paren puts s in brackets after a word: " (s)" or "（s）".
func (b *viewBuilder) paren(s string) string {
	if b.zh() {
		return "（" + s + "）"
	}
	return " (" + s + ")"
}

// period returns a period in words.
func (b *viewBuilder) period(p Period) string { return p.Text(b.lang) }

// date returns a date as 2025-01-01 or 2025年1月1日.
func (b *viewBuilder) date(d Date) string {
	if d.IsZero() {
		return ""
	}
	if b.zh() {
		return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
	}
	return d.String()
}

// contact returns the label and value of one way to reach someone,
// linking email addresses and web pages.
func (b *viewBuilder) contact(c Contact) (string, rLine) {
	label := b.in(c.Label)
	if label == "" {
		label = b.enum(renderMsg.ChannelKinds, c.Kind)
	}
	value := rLineOf(b.contactValue(c.Kind, c.Value))
	if h := b.in(c.Hours); h != "" {
		value = append(value, rPlain(b.paren(h)))
	}
	return label, value
}

func (b *viewBuilder) contactValue(kind, value string) rRun {
	switch {
	case kind == "email" && strings.Contains(value, "@") && !strings.ContainsAny(value, " :/"):
		return rLink(value, "mailto:"+value)
	case kind == "web" || kind == "form" || kind == "api":
		return rLink(value, value)
	}
	return rPlain(value)
}

// citation cites a legal basis: "PIPL Art. 13(2)" or
// "《个人信息保护法》第十三条第一款第（二）项".
func (b *viewBuilder) citation(law, id string) string {
	lb, ok := taxonomy.LookupLegalBasis(law, id)
	if !ok {
		return strings.ToUpper(law) + b.colon() + id
	}
	return b.cite(law, lb.Article) + b.paren(lb.Label.In(b.lang))
}

var (
	citePIPLItem = regexp.MustCompile(`^(\d+)\((\d+)\)$`)
	citeGDPRItem = regexp.MustCompile(`^(\d+)\((\d+)\)\(([a-z])\)$`)
)

func (b *viewBuilder) cite(law, article string) string {
	if !b.zh() {
		switch law {
		case "ccpa":
			return "CCPA § " + article
		default:
			return strings.ToUpper(law) + " Art. " + article
		}
	}
	switch law {
	case "pipl":
		if m := citePIPLItem.FindStringSubmatch(article); m != nil {
			return "《个人信息保护法》第" + rChineseNumber(m[1]) + "条第一款第（" + rChineseNumber(m[2]) + "）项"
		}
		return "《个人信息保护法》第" + rChineseNumber(article) + "条"
	case "gdpr":
		if m := citeGDPRItem.FindStringSubmatch(article); m != nil {
			return "GDPR第" + m[1] + "条第" + m[2] + "款第(" + m[3] + ")项"
		}
		return "GDPR第" + article + "条"
	}
	return strings.ToUpper(law) + "第" + article + "条"
}

// rChineseNumber writes a number from 1 to 99 in Chinese numerals; anything
// else is returned as given.
func rChineseNumber(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 99 {
		return s
	}
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	}
	return digits[n/10] + "十" + digits[n%10]
}

// build composes the whole policy.
func (b *viewBuilder) build() *rView {
	d := b.d
	v := &rView{
		HTMLLang: "en",
		Title:    b.t(renderMsg.Title, b.in(d.Product.Name)),
		Contents: b.t(renderMsg.Contents),
	}
	if b.zh() {
		v.HTMLLang = "zh-CN"
	}
	v.Intro = b.intro()
	type section struct {
		id     string
		title  Text
		blocks []rBlock
	}
	sections := []section{
		{"collection", renderMsg.SecCollect, b.collection()},
		{"sensitive", renderMsg.SecSensitive, b.sensitiveInfo()},
		{"permissions", renderMsg.SecPermissions, b.permissions()},
		{"cookies", renderMsg.SecCookies, b.cookies()},
		{"automated-decisions", renderMsg.SecAutomated, b.automated()},
		{"sharing", renderMsg.SecSharing, b.sharing()},
		{"storage", renderMsg.SecStorage, b.storage()},
		{"retention", renderMsg.SecRetention, b.retention()},
		{"security", renderMsg.SecSecurity, b.security()},
		{"rights", renderMsg.SecRights, b.rights()},
		{"minors", renderMsg.SecMinors, b.minors()},
		{"changes", renderMsg.SecChanges, b.changes()},
		{"contact", renderMsg.SecContact, b.contactUs()},
		{"definitions", renderMsg.SecDefinitions, b.definitions()},
		{"commitments", renderMsg.SecCommitments, b.commitments()},
	}
	for _, s := range sections {
		if len(s.blocks) == 0 {
			continue
		}
		n := len(v.Sections) + 1
		h := strconv.Itoa(n) + ". " + b.t(s.title)
		if b.zh() {
			h = rChineseNumber(strconv.Itoa(n)) + "、" + b.t(s.title)
		}
		v.Sections = append(v.Sections, rSection{ID: s.id, Heading: h, Blocks: s.blocks})
	}
	return v
}

// intro is what comes before the contents: dates, who we are, the product.
func (b *viewBuilder) intro() []rBlock {
	d := b.d
	var facts []rFact
	facts = addFact(facts, b.t(renderMsg.Version), rText(d.Version))
	facts = addFact(facts, b.t(renderMsg.Effective), rText(b.date(d.Effective)))
	facts = addFact(facts, b.t(renderMsg.Updated), rText(b.date(d.Updated)))
	out := []rBlock{b.factsBlock(facts)}
	out = append(out, b.paras(d.Summary)...)

	product := b.in(d.Product.Name)
	role := renderMsg.RoleController
	if d.Product.Role == "entrusted" {
		role = renderMsg.RoleEntrusted
	}
	out = append(out, rParaText(b.t(role, b.in(d.Controller.Name), product)))
	if a := b.in(d.Controller.Affiliates); a != "" {
		out = append(out, b.lead(b.t(renderMsg.Affiliates), a))
	}
	var laws []string
	for _, l := range d.Laws {
		laws = append(laws, b.enum(renderMsg.LawNames, l))
	}
	if len(laws) > 0 {
		out = append(out, rParaText(b.t(renderMsg.Laws, b.joinAnd(laws))))
	}

	facts = addFact(nil, b.t(renderMsg.Product), rText(product))
	if d.Product.Kind != "" {
		facts = addFact(facts, b.t(renderMsg.ProductKind), rText(b.enum(renderMsg.ProductKinds, d.Product.Kind)))
	}
	var platforms []string
	for _, p := range d.Product.Platforms {
		platforms = append(platforms, b.enum(renderMsg.PlatformNames, p))
	}
	facts = addFact(facts, b.t(renderMsg.Platforms), rText(b.join(platforms)))
	out = append(out, b.factsBlock(facts))
	out = append(out, b.paras(d.Product.Description)...)
	for i, p := range rParagraphs(d.Product.Integrators.In(b.lang)) {
		if i == 0 {
			out = append(out, b.lead(b.t(renderMsg.Integrators), p))
		} else {
			out = append(out, rParaText(p))
		}
	}
	return out
}
