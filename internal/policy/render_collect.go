package policy

import (
	"slices"
	"strings"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// The sections on what is collected: functions, sensitive information,
// permissions, cookies and automated decisions.

func (b *viewBuilder) collection() []rBlock {
	if len(b.d.Functions) == 0 {
		return nil
	}
	out := []rBlock{rParaText(b.t(renderMsg.CollectIntro))}
	for _, fn := range b.d.Functions {
		out = append(out, b.function(fn)...)
	}
	return out
}

func (b *viewBuilder) function(fn Function) []rBlock {
	name := b.in(fn.Name)
	if name == "" {
		name = fn.ID
	}
	out := []rBlock{rHeading(name)}
	out = append(out, b.paras(fn.Description)...)

	facts := addFact(nil, b.t(renderMsg.FunctionKind), rText(b.enum(renderMsg.FunctionKinds, fn.Kind)))
	var perms []string
	for _, id := range fn.Permissions {
		perms = append(perms, b.permissionName(id))
	}
	facts = addFact(facts, b.t(renderMsg.FunctionPermissions), rText(b.join(perms)))
	freq := b.in(fn.Frequency)
	switch {
	case fn.Background && freq != "":
		facts = addFact(facts, b.t(renderMsg.Background), rText(b.t(renderMsg.BackgroundYesFreq, freq)))
	case fn.Background:
		facts = addFact(facts, b.t(renderMsg.Background), rText(b.t(renderMsg.BackgroundYes)))
	default:
		facts = addFact(facts, b.t(renderMsg.Background), rText(b.t(renderMsg.BackgroundNo)))
		facts = addFact(facts, b.t(renderMsg.Frequency), rText(freq))
	}
	facts = addFact(facts, b.t(renderMsg.IfRefused), rText(b.in(fn.IfRefused)))
	out = append(out, b.factsBlock(facts))

	if len(fn.Purposes) > 0 {
		out = append(out, rPara(rLineOf(rStrong(b.t(renderMsg.Purposes)))))
		var items []rLine
		for _, id := range fn.Purposes {
			items = append(items, b.purposeLine(id))
		}
		out = append(out, rBlock{List: items})
	}
	if len(fn.Fields) > 0 {
		out = append(out, rBlock{Table: b.fieldTable(name, fn.Fields)})
	}
	return out
}

// purposeLine states a purpose: its label, description, legal basis under
// each law and the consent it needs.
func (b *viewBuilder) purposeLine(id string) rLine {
	p, ok := b.purposes[id]
	if !ok {
		return rText(id)
	}
	var bases []string
	for _, lb := range []struct{ law, id string }{{"pipl", p.Basis.PIPL}, {"gdpr", p.Basis.GDPR}, {"ccpa", p.Basis.CCPA}} {
		if lb.id != "" {
			bases = append(bases, b.citation(lb.law, lb.id))
		}
	}
	var basis string
	if len(bases) > 0 {
		sep := "; "
		end := "."
		if b.zh() {
			sep, end = "；", "。"
		}
		basis = b.t(renderMsg.LegalBasis) + b.colon() + strings.Join(bases, sep) + end
	}
	text := b.sentences(
		b.in(p.Description),
		basis,
		b.in(p.Basis.Note),
		b.enum(renderMsg.ConsentKinds, p.Consent),
	)
	if p.SaleOrShare {
		text = b.sentences(text, b.t(renderMsg.SaleOrShare))
	}
	return rLineOf(rStrong(b.purposeLabel(id)), rPlain(b.colon()+text))
}

// fieldTable lists fields with their category, source and how they are
// stored; sensitive ones are marked, in bold.
func (b *viewBuilder) fieldTable(label string, ids []string) *rTable {
	t := &rTable{
		Label: label,
		Head:  []string{b.t(renderMsg.ColField), b.t(renderMsg.ColCategory), b.t(renderMsg.ColSource), b.t(renderMsg.ColNotes)},
	}
	for _, id := range ids {
		f, ok := b.fields[id]
		if !ok {
			t.Rows = append(t.Rows, []rLine{rText(id)})
			continue
		}
		name := rText(b.fieldLabel(id))
		if b.sensitive(f.Category) {
			name = rLineOf(rStrong(b.fieldLabel(id) + b.t(renderMsg.SensitiveMark)))
		}
		var notes []string
		if f.Identifier != "" {
			label := f.Identifier
			if tid, ok := taxonomy.LookupIdentifier(f.Identifier); ok {
				label = tid.Label.In(b.lang)
			}
			notes = append(notes, b.t(renderMsg.Identifier, label))
		}
		if h, ok := renderMsg.Hashing[f.Hashing]; ok {
			notes = append(notes, h.In(b.lang))
		}
		if f.Blob {
			notes = append(notes, b.t(renderMsg.Blob))
		}
		source := ""
		if f.Source != "" {
			source = b.enum(renderMsg.Sources, f.Source)
		}
		sep := "; "
		if b.zh() {
			sep = "；"
		}
		t.Rows = append(t.Rows, []rLine{name, rText(b.categoryLabel(f.Category)), rText(source), rText(strings.Join(notes, sep))})
	}
	return rPrune(t)
}

func (b *viewBuilder) permissionName(id string) string {
	for _, p := range b.d.Permissions {
		if p.ID == id && !p.Name.IsZero() {
			return b.in(p.Name)
		}
	}
	return id
}

// sensitiveInfo states, per sensitive category, its necessity and impact
// (PIPL Art. 30).
func (b *viewBuilder) sensitiveInfo() []rBlock {
	var out []rBlock
	for _, c := range b.d.Categories {
		if !b.sensitive(c.ID) {
			continue
		}
		out = append(out, rHeading(b.categoryLabel(c.ID)))
		var facts []rFact
		if tc, ok := taxonomy.LookupCategory(b.categoryTaxonomy(c.ID)); ok && tc.SensitiveKind != "" {
			if k, ok := taxonomy.LookupSensitiveKind(tc.SensitiveKind); ok {
				facts = addFact(facts, b.t(renderMsg.SensitiveKind), rText(k.Label.In(b.lang)))
			}
		}
		var fields, purposes []string
		seen := map[string]bool{}
		for _, f := range b.d.Fields {
			if f.Category != c.ID {
				continue
			}
			fields = append(fields, b.fieldLabel(f.ID))
			for _, fn := range b.d.Functions {
				if !slices.Contains(fn.Fields, f.ID) {
					continue
				}
				for _, p := range fn.Purposes {
					if !seen[p] {
						seen[p] = true
						purposes = append(purposes, b.purposeLabel(p))
					}
				}
			}
		}
		facts = addFact(facts, b.t(renderMsg.SensitiveFields), rText(b.join(fields)))
		facts = addFact(facts, b.t(renderMsg.UsedFor), rText(b.join(purposes)))
		facts = addFact(facts, b.t(renderMsg.Necessity), rText(b.in(c.Necessity)))
		facts = addFact(facts, b.t(renderMsg.Impact), rText(b.in(c.Impact)))
		facts = addFact(facts, b.t(renderMsg.ImpactAssessment), rText(c.ImpactAssessment))
		out = append(out, b.factsBlock(facts))
	}
	if len(out) == 0 {
		return nil
	}
	return append([]rBlock{rParaText(b.t(renderMsg.SensitiveIntro))}, out...)
}

// permissions lists, per operating system, each permission with what it
// is for.
func (b *viewBuilder) permissions() []rBlock {
	if len(b.d.Permissions) == 0 {
		return nil
	}
	out := []rBlock{rParaText(b.t(renderMsg.PermIntro))}
	for _, os := range []string{taxonomy.OSAndroid, taxonomy.OSIOS, taxonomy.OSHarmonyOS} {
		osName := b.enum(renderMsg.OSNames, os)
		t := &rTable{
			Label: osName,
			Head: []string{
				b.t(renderMsg.ColPermission), b.t(renderMsg.ColPermName), b.t(renderMsg.ColPurpose),
				b.t(renderMsg.ColFunctions), b.t(renderMsg.ColExposes),
			},
		}
		for _, p := range b.d.Permissions {
			names := map[string][]string{taxonomy.OSAndroid: p.Android, taxonomy.OSIOS: p.IOS, taxonomy.OSHarmonyOS: p.HarmonyOS}[os]
			for _, n := range names {
				label := b.in(p.Name)
				if tp, ok := taxonomy.LookupPermission(n); ok {
					label = tp.Label.In(b.lang)
					if !tp.Runtime {
						label += b.t(renderMsg.PermInstall)
					}
				}
				t.Rows = append(t.Rows, []rLine{
					rLineOf(rCode(n)), rText(label), rText(b.in(p.Purpose)),
					rText(b.join(b.functionLabels(p.Functions))), rText(b.join(b.fieldLabels(p.Fields))),
				})
			}
		}
		if len(t.Rows) > 0 {
			out = append(out, rHeading(osName), rBlock{Table: rPrune(t)})
		}
	}
	return out
}

func (b *viewBuilder) cookies() []rBlock {
	if len(b.d.Cookies) == 0 {
		return nil
	}
	t := &rTable{
		Label: b.t(renderMsg.SecCookies),
		Head: []string{
			b.t(renderMsg.ColName), b.t(renderMsg.ColKind), b.t(renderMsg.ColCategory), b.t(renderMsg.ColPurpose),
			b.t(renderMsg.ColDuration), b.t(renderMsg.ColProvider), b.t(renderMsg.ColOptOut),
		},
	}
	for _, c := range b.d.Cookies {
		duration := b.t(renderMsg.CookieSession)
		if !c.Duration.IsZero() {
			duration = b.period(c.Duration)
		}
		provider := b.t(renderMsg.FirstParty)
		if c.Provider != "first_party" {
			provider = b.recipientName(c.Provider)
		}
		t.Rows = append(t.Rows, []rLine{
			rLineOf(rCode(c.ID)), rText(b.enum(renderMsg.CookieKinds, c.Kind)),
			rText(b.enum(renderMsg.CookieCategories, c.Category)), rText(b.in(c.Purpose)),
			rText(duration), rText(provider), rText(b.in(c.OptOut)),
		})
	}
	return []rBlock{rParaText(b.t(renderMsg.CookieIntro)), {Table: rPrune(t)}}
}

func (b *viewBuilder) automated() []rBlock {
	var out []rBlock
	for _, a := range b.d.AutomatedDecisions {
		out = append(out, rHeading(b.enum(renderMsg.ADKinds, a.Kind)))
		out = append(out, b.paras(a.Description)...)
		facts := addFact(nil, b.t(renderMsg.Purposes), rText(b.join(b.purposeLabels(a.Purposes))))
		facts = addFact(facts, b.t(renderMsg.ADInformation), rText(b.join(b.fieldLabels(a.Fields))))
		facts = addFact(facts, b.t(renderMsg.ADLogic), rText(b.in(a.Logic)))
		optOut := b.t(renderMsg.ADOptOutNo)
		if a.OptOut {
			optOut = b.sentences(b.t(renderMsg.ADOptOutYes), b.in(a.OptOutHow))
		}
		facts = addFact(facts, b.t(renderMsg.ADOptOut), rText(optOut))
		out = append(out, b.factsBlock(facts))
		if a.SignificantEffect {
			s := b.t(renderMsg.ADSignificant)
			if a.HumanReview {
				s = b.sentences(s, b.t(renderMsg.ADHumanReview))
			}
			out = append(out, rParaText(s))
		}
	}
	return out
}

// sharing covers sharing, transfer on merger, public disclosure and the
// exceptions to consent.
func (b *viewBuilder) sharing() []rBlock {
	s := b.d.Sharing
	var out []rBlock
	if !s.Principles.IsZero() || len(b.d.Recipients) > 0 {
		out = append(out, rHeading(b.t(renderMsg.Sharing)))
		out = append(out, b.paras(s.Principles)...)
	}
	if len(b.d.Recipients) > 0 {
		t := &rTable{
			Label: b.t(renderMsg.Sharing),
			Head: []string{
				b.t(renderMsg.ColCompany), b.t(renderMsg.ColProduct), b.t(renderMsg.ColType), b.t(renderMsg.ColPurpose),
				b.t(renderMsg.ColShared), b.t(renderMsg.ColRegion), b.t(renderMsg.ColWay), b.t(renderMsg.ColConsent),
				b.t(renderMsg.ColPolicy),
			},
		}
		for _, r := range b.d.Recipients {
			kind := b.enum(renderMsg.RecipientKinds, r.Kind)
			if role, ok := renderMsg.RecipientRoles[r.Role]; ok {
				sep := ", "
				if b.zh() {
					sep = "，"
				}
				kind += sep + role.In(b.lang)
			}
			consent := ""
			if r.Consent != "" {
				consent = b.enum(renderMsg.RecipientConsent, r.Consent)
			}
			var policy rLine
			if r.PolicyURL != "" {
				policy = append(policy, rLink(r.PolicyURL, r.PolicyURL))
			}
			if r.Contact != "" {
				if len(policy) > 0 {
					sep := "; "
					if b.zh() {
						sep = "；"
					}
					policy = append(policy, rPlain(sep))
				}
				kind := "web"
				if strings.Contains(r.Contact, "@") {
					kind = "email"
				}
				policy = append(policy, b.contactValue(kind, r.Contact))
			}
			t.Rows = append(t.Rows, []rLine{
				rText(b.in(r.Company)), rText(b.in(r.Product)), rText(kind),
				rText(b.join(b.purposeLabels(r.Purposes))), rText(b.join(b.fieldLabels(r.Fields))),
				rText(b.regionLabel(r.Region)), rText(b.in(r.Way)), rText(consent), policy,
			})
		}
		out = append(out, rParaText(b.t(renderMsg.SharingList)), rBlock{Table: rPrune(t)})
	}
	if !s.Transfer.IsZero() {
		out = append(out, rHeading(b.t(renderMsg.Transfer)))
		out = append(out, b.paras(s.Transfer)...)
	}
	if !s.PublicDisclosure.IsZero() {
		out = append(out, rHeading(b.t(renderMsg.PublicDisclosure)))
		out = append(out, b.paras(s.PublicDisclosure)...)
	}
	if len(s.Exceptions) > 0 {
		var items []rLine
		for _, e := range s.Exceptions {
			items = append(items, rText(b.in(e)))
		}
		out = append(out, rHeading(b.t(renderMsg.Exceptions)), rParaText(b.t(renderMsg.ExceptionsIntro)), rBlock{List: items, Ordered: true})
	}
	return out
}

// storage states where data is stored and each cross-border transfer.
func (b *viewBuilder) storage() []rBlock {
	st := b.d.Storage
	var out []rBlock
	if len(st.Regions) > 0 || !st.Description.IsZero() {
		out = append(out, rHeading(b.t(renderMsg.StorageWhere)))
		if len(st.Regions) > 0 {
			out = append(out, rParaText(b.t(renderMsg.StorageRegions, b.joinAnd(b.regionLabels(st.Regions)))))
		}
		out = append(out, b.paras(st.Description)...)
	}
	if len(st.Transfers) > 0 {
		out = append(out, rHeading(b.t(renderMsg.CrossBorder)))
	}
	for _, tr := range st.Transfers {
		out = append(out, rHeading4(b.t(renderMsg.TransferTo, b.regionLabel(tr.To))))
		out = append(out, b.paras(tr.Description)...)
		facts := addFact(nil, b.t(renderMsg.Purposes), rText(b.join(b.purposeLabels(tr.Purposes))))
		facts = addFact(facts, b.t(renderMsg.SensitiveFields), rText(b.join(b.fieldLabels(tr.Fields))))
		if tr.Recipient != "" {
			facts = addFact(facts, b.t(renderMsg.TransferRecipient), rText(b.recipientName(tr.Recipient)))
		}
		if tr.Mechanism != "" {
			facts = addFact(facts, b.t(renderMsg.Mechanism), rText(b.enum(renderMsg.Mechanisms, tr.Mechanism)))
		}
		if tr.Consent != "" {
			facts = addFact(facts, b.t(renderMsg.Consent), rText(b.enum(renderMsg.TransferConsent, tr.Consent)))
		}
		out = append(out, b.factsBlock(facts))
	}
	return out
}
