package policy

import (
	"strings"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// The sections on what happens to data and to the subject: retention,
// security, rights, minors, changes, contact, definitions and commitments.

func (b *viewBuilder) retention() []rBlock {
	if len(b.d.Retention) == 0 {
		return nil
	}
	t := &rTable{
		Label: b.t(renderMsg.SecRetention),
		Head:  []string{b.t(renderMsg.ColField), b.t(renderMsg.ColHowLong), b.t(renderMsg.ColThen), b.t(renderMsg.ColExceptions)},
	}
	for _, r := range b.d.Retention {
		var what []string
		for _, c := range r.Categories {
			what = append(what, b.categoryLabel(c))
		}
		what = append(what, b.fieldLabels(r.Fields)...)
		whatText := b.join(what)
		if len(r.Purposes) > 0 {
			whatText += b.paren(b.t(renderMsg.ForPurposes, b.join(b.purposeLabels(r.Purposes))))
		}

		trigger := b.enum(renderMsg.Triggers, r.Trigger)
		var howLong string
		switch {
		case !r.Duration.IsZero():
			howLong = b.t(renderMsg.PeriodAfter, b.period(r.Duration), trigger)
		case r.Action == "anonymize":
			howLong = b.t(renderMsg.AnonymizeAtOnce, trigger)
		default:
			howLong = b.t(renderMsg.DeleteAtOnce, trigger)
		}

		then := b.t(renderMsg.Deleted)
		if r.Action == "anonymize" {
			then = b.t(renderMsg.Anonymized)
			var steps []string
			for _, s := range r.Anonymize {
				steps = append(steps, b.t(renderMsg.AnonymizeStep, b.fieldLabel(s.Field), b.enum(renderMsg.Strategies, s.Strategy)))
			}
			if len(steps) > 0 {
				sep := "; "
				if b.zh() {
					sep = "；"
				}
				then += b.paren(strings.Join(steps, sep))
			}
		}

		var notes []string
		for _, e := range r.Exceptions {
			notes = append(notes, b.enum(renderMsg.RetentionExcs, e))
		}
		notes = append(notes, b.in(r.Description))
		t.Rows = append(t.Rows, []rLine{rText(whatText), rText(howLong), rText(then), rText(b.sentences(notes...))})
	}
	return []rBlock{rParaText(b.t(renderMsg.RetentionIntro)), {Table: rPrune(t)}}
}

// attestation says who vouches for a promise trustee does not enforce.
func (b *viewBuilder) attestation(a *Attestation) string {
	if a == nil || a.By == "" {
		return ""
	}
	if a.Evidence != "" {
		return b.t(renderMsg.AttestedEvidence, a.By, a.Evidence)
	}
	return b.t(renderMsg.Attested, a.By)
}

func (b *viewBuilder) security() []rBlock {
	s, inc := b.d.Security, b.d.Incidents
	out := b.paras(s.Description)
	if len(s.Measures) > 0 {
		var items []rLine
		for _, m := range s.Measures {
			items = append(items, rText(b.in(m.Description)+b.attestation(m.Attestation)))
		}
		out = append(out, rHeading(b.t(renderMsg.Measures)), rBlock{List: items})
	}
	if inc.Description.IsZero() && len(inc.NotifySubjects) == 0 && !inc.NotifyAuthority {
		return out
	}
	out = append(out, rHeading(b.t(renderMsg.Incidents)))
	out = append(out, b.paras(inc.Description)...)
	var notify string
	if len(inc.NotifySubjects) > 0 {
		var ch []string
		for _, c := range inc.NotifySubjects {
			ch = append(ch, b.enum(renderMsg.NotifySubjects, c))
		}
		notify = b.t(renderMsg.IncidentNotify, b.joinAnd(ch))
	}
	var authority string
	switch {
	case inc.NotifyAuthority && !inc.AuthorityDeadline.IsZero():
		authority = b.t(renderMsg.IncidentAuthorityBy, b.period(inc.AuthorityDeadline))
	case inc.NotifyAuthority:
		authority = b.t(renderMsg.IncidentAuthority)
	}
	if s := b.sentences(notify, authority); s != "" {
		out = append(out, rParaText(s))
	}
	return out
}

// channelName names a rights channel: its label, or its kind.
func (b *viewBuilder) channelName(id string) string {
	c, ok := b.channels[id]
	if !ok {
		return id
	}
	if l := b.in(c.Label); l != "" {
		return l
	}
	return b.enum(renderMsg.ChannelKinds, c.Kind)
}

func (b *viewBuilder) rights() []rBlock {
	r := b.d.Rights
	out := []rBlock{rParaText(b.t(renderMsg.RightsIntro))}
	if r.Routing == "controller" {
		out = append(out, rParaText(b.t(renderMsg.RoutingController)))
	}
	workingDays := r.Deadline.Unit == WorkingDays
	if len(r.Items) > 0 {
		t := &rTable{
			Label: b.t(renderMsg.SecRights),
			Head:  []string{b.t(renderMsg.ColRight), b.t(renderMsg.ColHow), b.t(renderMsg.ColChannels)},
		}
		for _, it := range r.Items {
			label := it.Right
			if tr, ok := taxonomy.LookupRight(it.Right); ok {
				label = tr.Label.In(b.lang)
			}
			how := b.in(it.How)
			if !it.Deadline.IsZero() {
				how = b.sentences(how, b.t(renderMsg.ItemDeadline, b.period(it.Deadline)))
				workingDays = workingDays || it.Deadline.Unit == WorkingDays
			}
			var ch []string
			for _, id := range it.Channels {
				ch = append(ch, b.channelName(id))
			}
			t.Rows = append(t.Rows, []rLine{rText(label), rText(how), rText(b.join(ch))})
		}
		out = append(out, rBlock{Table: rPrune(t)})
	}
	if len(r.Channels) > 0 {
		var items []rLine
		for _, c := range r.Channels {
			l := rLineOf(rStrong(b.channelName(c.ID)))
			if c.Value != "" {
				l = append(l, rPlain(b.colon()), b.contactValue(c.Kind, c.Value))
			}
			items = append(items, l)
		}
		out = append(out, rHeading(b.t(renderMsg.Channels)), rBlock{List: items})
	}
	if !r.Deadline.IsZero() {
		m := renderMsg.DeadlineReceipt
		if r.DeadlineFrom == "verification" {
			m = renderMsg.DeadlineVerification
		}
		s := b.t(m, b.period(r.Deadline))
		if workingDays && r.Calendar != "" {
			s = b.sentences(s, b.t(renderMsg.Calendar, b.regionLabel(r.Calendar)))
		}
		out = append(out, rHeading(b.t(renderMsg.ResponseTime)), rParaText(s))
	}
	if len(r.Verification) > 0 {
		var ways []string
		for _, v := range r.Verification {
			ways = append(ways, b.enum(renderMsg.VerificationKinds, v))
		}
		out = append(out, rHeading(b.t(renderMsg.Verification)), rParaText(b.t(renderMsg.VerificationBy, b.joinAnd(ways))))
	}
	out = append(out, b.fees()...)
	if len(r.Refusals) > 0 {
		var items []rLine
		for _, id := range r.Refusals {
			rr, ok := taxonomy.LookupRefusalReason(id)
			if !ok {
				items = append(items, rText(id))
				continue
			}
			items = append(items, rLineOf(rStrong(rr.Label.In(b.lang)), rPlain(b.colon()+rr.Explanation.In(b.lang))))
		}
		out = append(out, rHeading(b.t(renderMsg.Refusals)), rParaText(b.t(renderMsg.RefusalsIntro)), rBlock{List: items, Ordered: true})
	}
	out = append(out, b.cancellation()...)
	out = append(out, b.paras(r.Notes)...)
	return out
}

func (b *viewBuilder) fees() []rBlock {
	f := b.d.Rights.Fees
	s := b.t(renderMsg.FeesNotFree)
	if f.Free {
		s = b.t(renderMsg.FeesFree)
	}
	if f.RepeatLimit > 0 {
		within := !f.RepeatWindow.IsZero()
		var m Text
		switch {
		case f.RepeatAction == "refuse" && within:
			m = renderMsg.RepeatRefuseWithin
		case f.RepeatAction == "refuse":
			m = renderMsg.RepeatRefuse
		case within:
			m = renderMsg.RepeatChargeWithin
		default:
			m = renderMsg.RepeatCharge
		}
		if within {
			s = b.sentences(s, b.t(m, f.RepeatLimit, b.period(f.RepeatWindow)))
		} else {
			s = b.sentences(s, b.t(m, f.RepeatLimit))
		}
	}
	s = b.sentences(s, b.in(f.Description))
	return []rBlock{rHeading(b.t(renderMsg.Fees)), rParaText(s)}
}

func (b *viewBuilder) cancellation() []rBlock {
	c := b.d.Rights.Cancellation
	if c == nil {
		return nil
	}
	out := []rBlock{rHeading(b.t(renderMsg.Cancellation))}
	out = append(out, b.paras(c.How)...)
	var s []string
	from := b.t(renderMsg.AccountCancelled)
	if !c.CoolingOff.IsZero() {
		from = b.t(renderMsg.CoolingOffEnds)
		s = append(s, b.t(renderMsg.CoolingOff, b.period(c.CoolingOff)))
		switch c.Resume {
		case "login":
			s = append(s, b.t(renderMsg.ResumeLogin))
		case "none":
			s = append(s, b.t(renderMsg.ResumeNone))
		}
	}
	action := b.t(renderMsg.Delete)
	if c.Action == "anonymize" {
		action = b.t(renderMsg.Anonymize)
	}
	if c.Deadline.IsZero() {
		s = append(s, b.t(renderMsg.EraseAtOnce, from, action))
	} else {
		s = append(s, b.t(renderMsg.EraseAfter, b.period(c.Deadline), from, action))
	}
	out = append(out, rParaText(b.sentences(s...)))
	return append(out, b.paras(c.Conditions)...)
}

func (b *viewBuilder) minors() []rBlock {
	m := b.d.Minors
	out := b.paras(m.Statement)
	product := b.in(b.d.Product.Name)
	var ages []string
	if m.MinimumAge > 0 {
		ages = append(ages, b.t(renderMsg.MinimumAge, m.MinimumAge, product))
	}
	if m.GuardianConsentBelow > 0 {
		ages = append(ages, b.t(renderMsg.GuardianConsent, m.GuardianConsentBelow, product))
	}
	if s := b.sentences(ages...); s != "" {
		out = append(out, rParaText(s))
	}
	if len(m.Regions) > 0 {
		var items []rLine
		for _, r := range m.Regions {
			var parts []string
			if r.MinimumAge > 0 {
				parts = append(parts, b.t(renderMsg.MinorRegionMin, r.MinimumAge))
			}
			if r.GuardianConsentBelow > 0 {
				parts = append(parts, b.t(renderMsg.MinorRegionGuardian, r.GuardianConsentBelow))
			}
			sep := "; "
			if b.zh() {
				sep = "；"
			}
			items = append(items, rLineOf(rStrong(b.regionLabel(r.Region)), rPlain(b.colon()+strings.Join(parts, sep))))
		}
		out = append(out, rParaText(b.t(renderMsg.MinorRegions)), rBlock{List: items})
	}
	if a, ok := renderMsg.DiscoveryAction[m.OnDiscovery]; ok {
		out = append(out, rParaText(b.t(renderMsg.OnDiscovery, a.In(b.lang))))
	}
	return out
}

func (b *viewBuilder) changes() []rBlock {
	c := b.d.Changes
	out := b.paras(c.Description)
	if len(c.Notify) > 0 {
		var ways []string
		for _, n := range c.Notify {
			ways = append(ways, b.enum(renderMsg.ChangeNotify, n))
		}
		out = append(out, rParaText(b.t(renderMsg.ChangesNotify, b.joinAnd(ways))))
	}
	if len(c.MajorChanges) > 0 {
		var items []rLine
		for _, id := range c.MajorChanges {
			label := id
			if mc, ok := taxonomy.LookupMajorChange(id); ok {
				label = mc.Label.In(b.lang)
			}
			items = append(items, rText(label))
		}
		out = append(out, rParaText(b.t(renderMsg.MajorChanges)), rBlock{List: items, Ordered: true})
	}
	if c.NoReductionWithoutConsent {
		out = append(out, rParaText(b.t(renderMsg.NoReduction)))
	}
	return out
}

// contactFacts lists ways to reach someone, one fact each.
func (b *viewBuilder) contactFacts(facts []rFact, cs []Contact) []rFact {
	for _, c := range cs {
		label, value := b.contact(c)
		facts = addFact(facts, label, value)
	}
	return facts
}

func (b *viewBuilder) contactUs() []rBlock {
	c := b.d.Controller
	out := []rBlock{rParaText(b.t(renderMsg.ContactIntro))}
	facts := addFact(nil, b.t(renderMsg.Company), rText(b.in(c.Name)))
	facts = addFact(facts, b.t(renderMsg.Address), rText(b.in(c.Address)))
	if c.Country != "" {
		facts = addFact(facts, b.t(renderMsg.Country), rText(b.regionLabel(c.Country)))
	}
	out = append(out, b.factsBlock(b.contactFacts(facts, c.Contacts)))
	if dep := c.Department; !dep.Name.IsZero() || len(dep.Contacts) > 0 {
		out = append(out, rHeading(b.t(renderMsg.Department)))
		out = append(out, b.paras(dep.Name)...)
		if len(dep.Contacts) > 0 {
			out = append(out, b.factsBlock(b.contactFacts(nil, dep.Contacts)))
		}
	}
	if cp := c.Complaint; !cp.Description.IsZero() || !cp.Authority.IsZero() || len(cp.Channels) > 0 {
		out = append(out, rHeading(b.t(renderMsg.Complaints)))
		out = append(out, b.paras(cp.Description)...)
		facts := addFact(nil, b.t(renderMsg.Authority), rText(b.in(cp.Authority)))
		if facts = b.contactFacts(facts, cp.Channels); len(facts) > 0 {
			out = append(out, b.factsBlock(facts))
		}
	}
	if c.Representative != nil {
		out = append(out, rHeading(b.t(renderMsg.Representative)))
		out = append(out, b.factsBlock(b.contactFacts(nil, []Contact{*c.Representative})))
	}
	return out
}

func (b *viewBuilder) definitions() []rBlock {
	var facts []rFact
	for _, d := range b.d.Definitions {
		facts = addFact(facts, b.in(d.Term), rText(b.in(d.Meaning)))
	}
	if len(facts) == 0 {
		return nil
	}
	return []rBlock{b.factsBlock(facts)}
}

func (b *viewBuilder) commitments() []rBlock {
	var items []rLine
	for _, c := range b.d.Commitments {
		if t := b.in(c.Text); t != "" {
			items = append(items, rText(t+b.attestation(c.Attestation)))
		}
	}
	if len(items) == 0 {
		return nil
	}
	return []rBlock{{List: items}}
}
