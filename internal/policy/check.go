package policy

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// check verifies the structure of a decoded declaration: required values,
// enumerations, unique ids and that every reference names something
// declared. Semantic rules (consent for sensitive data, retention for every
// category...) are lint's job; check only rejects what cannot be a
// declaration at all.
func (d *Document) check() Errors {
	c := &checker{doc: d}
	c.run(d.Decl)
	return c.errs
}

type checker struct {
	doc  *Document
	errs Errors
}

func (c *checker) errorf(path, hint, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: c.doc.Pos(path), Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (c *checker) required(path, value, what string) {
	if strings.TrimSpace(value) == "" {
		c.errorf(path, "add `"+lastKey(path)+": ...`", "%s is missing", what)
	}
}

func (c *checker) oneOf(path, value string, allowed ...string) {
	if value == "" {
		c.errorf(path, "use one of: "+strings.Join(allowed, ", "), "%s is missing", lastKey(path))
		return
	}
	if !slices.Contains(allowed, value) {
		c.errorf(path, "use one of: "+strings.Join(allowed, ", "), "%s %q is not allowed", lastKey(path), value)
	}
}

func (c *checker) optOneOf(path, value string, allowed ...string) {
	if value != "" {
		c.oneOf(path, value, allowed...)
	}
}

func lastKey(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[i+1:]
	}
	return path
}

// ids collects the ids of one list, reporting empty and duplicate ones.
func (c *checker) ids(list string, n int, id func(int) string) map[string]bool {
	set := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("$.%s[%d].id", list, i)
		v := id(i)
		switch {
		case v == "":
			c.errorf(p, "give every entry of "+list+" an id", "%s[%d] has no id", list, i)
		case set[v]:
			c.errorf(p, "ids must be unique within "+list, "duplicate id %q in %s", v, list)
		}
		set[v] = true
	}
	return set
}

// refs checks that every element of refs names a member of set.
func (c *checker) refs(path string, refs []string, set map[string]bool, what string) {
	for i, r := range refs {
		if !set[r] {
			c.errorf(fmt.Sprintf("%s[%d]", path, i), "declare "+what+" "+quote(r)+" or correct the reference", "unknown %s %q", what, r)
		}
	}
}

func (c *checker) ref(path, r string, set map[string]bool, what string) {
	if r != "" && !set[r] {
		c.errorf(path, "declare "+what+" "+quote(r)+" or correct the reference", "unknown %s %q", what, r)
	}
}

func quote(s string) string { return `"` + s + `"` }

func (c *checker) region(path, r string) {
	if r == "" {
		c.errorf(path, "name an ISO 3166 region such as CN, EU or US", "region is missing")
		return
	}
	if _, ok := taxonomy.LookupRegion(r); !ok {
		c.errorf(path, "use a region id from the taxonomy (CN, HK, EU, US, US-CA, ...)", "unknown region %q", r)
	}
}

// badValues reports every Period and Date that did not parse, at its
// position, by walking the declaration with the YAML key names.
func (c *checker) badValues(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			c.badValues(v.Elem(), path)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			c.badValues(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		switch x := v.Interface().(type) {
		case Period:
			if err := x.Err(); err != nil {
				c.errorf(path, "write a number and a unit, such as \"7 days\" or \"15 working days\"", "%s: %v", lastKey(path), err)
			}
			return
		case Date:
			if err := x.Err(); err != nil {
				c.errorf(path, "write the date as YYYY-MM-DD", "%s: %v", lastKey(path), err)
			}
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			c.badValues(v.Field(i), path+"."+name)
		}
	}
}

func (c *checker) run(d *Declaration) {
	c.badValues(reflect.ValueOf(d).Elem(), "$")
	if d.Schema != SchemaV1 {
		c.errorf("$.schema", "set `schema: "+SchemaV1+"`", "schema %q is not supported", d.Schema)
	}
	c.required("$.id", d.ID, "id")
	c.required("$.version", d.Version, "version")
	if d.Effective.IsZero() {
		c.errorf("$.effective", "add `effective: YYYY-MM-DD`", "effective date is missing")
	}
	if len(d.Laws) == 0 {
		c.errorf("$.laws", "list the regimes the product is under: pipl, gdpr, ccpa", "laws is empty")
	}
	for i, l := range d.Laws {
		c.oneOf(fmt.Sprintf("$.laws[%d]", i), l, "pipl", "gdpr", "ccpa")
	}
	if d.Controller.Name.IsZero() {
		c.errorf("$.controller.name", "add the controller's legal name", "controller name is missing")
	}
	c.region("$.controller.country", d.Controller.Country)
	c.oneOf("$.product.kind", d.Product.Kind, "app", "sdk", "service", "device", "website")
	c.oneOf("$.product.role", d.Product.Role, "controller", "entrusted")

	cats := c.ids("categories", len(d.Categories), func(i int) string { return d.Categories[i].ID })
	for i, cat := range d.Categories {
		tax := cat.Taxonomy
		if tax == "" {
			tax = cat.ID
		}
		if _, ok := taxonomy.LookupCategory(tax); !ok {
			c.errorf(fmt.Sprintf("$.categories[%d]", i), "set `taxonomy:` to a taxonomy category id (see docs/taxonomy.md)", "category %q is not a taxonomy category", tax)
		}
	}
	fields := c.ids("fields", len(d.Fields), func(i int) string { return d.Fields[i].ID })
	for i, f := range d.Fields {
		p := fmt.Sprintf("$.fields[%d]", i)
		c.ref(p+".category", f.Category, cats, "category")
		if f.Category == "" {
			c.errorf(p+".category", "add `category:` naming a declared category", "field %q has no category", f.ID)
		}
		if f.Identifier != "" {
			if _, ok := taxonomy.LookupIdentifier(f.Identifier); !ok {
				c.errorf(p+".identifier", "use a taxonomy identifier id (imei, mac, oaid, idfa, ...)", "unknown identifier %q", f.Identifier)
			}
		}
		c.optOneOf(p+".source", f.Source, "subject", "device", "developer", "third_party", "generated")
		c.optOneOf(p+".hashing", f.Hashing, "none", "sha256", "hmac_sha256")
		c.optOneOf(p+".lookup", f.Lookup, "email", "phone", "identifier", "exact")
	}
	purposes := c.ids("purposes", len(d.Purposes), func(i int) string { return d.Purposes[i].ID })
	for i, pu := range d.Purposes {
		p := fmt.Sprintf("$.purposes[%d]", i)
		c.oneOf(p+".consent", pu.Consent, ConsentNone, ConsentConsent, ConsentSeparate, ConsentGuardian)
		if pu.Basis.PIPL != "" {
			if _, ok := taxonomy.LookupLegalBasis("pipl", pu.Basis.PIPL); !ok {
				c.errorf(p+".basis.pipl", "use a PIPL Art. 13 basis id", "unknown PIPL basis %q", pu.Basis.PIPL)
			}
		}
		if pu.Basis.GDPR != "" {
			if _, ok := taxonomy.LookupLegalBasis("gdpr", pu.Basis.GDPR); !ok {
				c.errorf(p+".basis.gdpr", "use a GDPR Art. 6(1) basis id", "unknown GDPR basis %q", pu.Basis.GDPR)
			}
		}
		if pu.Taxonomy != "" {
			if _, ok := taxonomy.LookupPurpose(pu.Taxonomy); !ok {
				c.errorf(p+".taxonomy", "use a taxonomy purpose id or drop the key", "unknown taxonomy purpose %q", pu.Taxonomy)
			}
		}
	}
	functions := c.ids("functions", len(d.Functions), func(i int) string { return d.Functions[i].ID })
	perms := c.ids("permissions", len(d.Permissions), func(i int) string { return d.Permissions[i].ID })
	recipients := c.ids("recipients", len(d.Recipients), func(i int) string { return d.Recipients[i].ID })
	for i, fn := range d.Functions {
		p := fmt.Sprintf("$.functions[%d]", i)
		c.oneOf(p+".kind", fn.Kind, FunctionCore, FunctionOptional, FunctionThirdParty)
		c.refs(p+".purposes", fn.Purposes, purposes, "purpose")
		c.refs(p+".fields", fn.Fields, fields, "field")
		c.refs(p+".permissions", fn.Permissions, perms, "permission")
	}
	for i, pm := range d.Permissions {
		p := fmt.Sprintf("$.permissions[%d]", i)
		c.refs(p+".functions", pm.Functions, functions, "function")
		c.refs(p+".fields", pm.Fields, fields, "field")
		if len(pm.Android)+len(pm.IOS)+len(pm.HarmonyOS) == 0 {
			c.errorf(p, "list the platform names under android:, ios: or harmonyos:", "permission %q names no platform permission", pm.ID)
		}
		for os, names := range map[string][]string{"android": pm.Android, "ios": pm.IOS, "harmonyos": pm.HarmonyOS} {
			for j, n := range names {
				tp, ok := taxonomy.LookupPermission(n)
				if !ok || tp.OS != os {
					c.errorf(fmt.Sprintf("%s.%s[%d]", p, os, j), "use the platform's own name, such as android.permission.CAMERA, NSCameraUsageDescription or ohos.permission.CAMERA", "%q is not a known %s permission", n, os)
				}
			}
		}
	}
	for i, r := range d.Storage.Regions {
		c.region(fmt.Sprintf("$.storage.regions[%d]", i), r)
	}
	if len(d.Storage.Regions) == 0 {
		c.errorf("$.storage.regions", "list where data is stored, such as [CN]", "storage regions are missing")
	}
	c.ids("storage.transfers", len(d.Storage.Transfers), func(i int) string { return d.Storage.Transfers[i].ID })
	for i, t := range d.Storage.Transfers {
		p := fmt.Sprintf("$.storage.transfers[%d]", i)
		c.region(p+".to", t.To)
		c.refs(p+".purposes", t.Purposes, purposes, "purpose")
		c.refs(p+".fields", t.Fields, fields, "field")
		c.ref(p+".recipient", t.Recipient, recipients, "recipient")
		c.oneOf(p+".mechanism", t.Mechanism, "security_assessment", "standard_contract", "certification", "adequacy", "scc", "bcr", "derogation")
		c.oneOf(p+".consent", t.Consent, ConsentNone, ConsentConsent, ConsentSeparate)
	}
	for i, r := range d.Recipients {
		p := fmt.Sprintf("$.recipients[%d]", i)
		c.oneOf(p+".kind", r.Kind, "sdk", "partner", "processor", "affiliate", "authority")
		c.oneOf(p+".role", r.Role, "controller", "processor", "joint")
		c.refs(p+".purposes", r.Purposes, purposes, "purpose")
		c.refs(p+".fields", r.Fields, fields, "field")
		c.region(p+".region", r.Region)
		c.optOneOf(p+".consent", r.Consent, ConsentNone, ConsentConsent, ConsentSeparate)
	}
	c.ids("retention", len(d.Retention), func(i int) string { return d.Retention[i].ID })
	for i, r := range d.Retention {
		p := fmt.Sprintf("$.retention[%d]", i)
		c.refs(p+".categories", r.Categories, cats, "category")
		c.refs(p+".fields", r.Fields, fields, "field")
		c.refs(p+".purposes", r.Purposes, purposes, "purpose")
		if len(r.Categories)+len(r.Fields) == 0 {
			c.errorf(p, "name the categories: or fields: the rule applies to", "retention rule %q applies to nothing", r.ID)
		}
		c.oneOf(p+".trigger", r.Trigger, TriggerCollected, TriggerLastActivity, TriggerDeviceUnbound, TriggerAccountCancelled, TriggerConsentWithdrawn, TriggerServiceTerminated, TriggerContractEnded, TriggerPurposeFulfilled)
		c.oneOf(p+".action", r.Action, "delete", "anonymize")
		for j, a := range r.Anonymize {
			q := fmt.Sprintf("%s.anonymize[%d]", p, j)
			c.ref(q+".field", a.Field, fields, "field")
			c.oneOf(q+".strategy", a.Strategy, "drop", "generalize", "keyed_hash")
		}
		for j, e := range r.Exceptions {
			c.oneOf(fmt.Sprintf("%s.exceptions[%d]", p, j), e, "legal_requirement", "legal_hold")
		}
	}
	c.ids("cookies", len(d.Cookies), func(i int) string { return d.Cookies[i].ID })
	for i, ck := range d.Cookies {
		p := fmt.Sprintf("$.cookies[%d]", i)
		c.oneOf(p+".kind", ck.Kind, "cookie", "local_storage", "pixel", "sdk", "web_beacon")
		c.oneOf(p+".category", ck.Category, "strictly_necessary", "functional", "analytics", "advertising")
		if ck.Provider != "first_party" {
			c.ref(p+".provider", ck.Provider, recipients, "recipient")
		}
	}
	c.ids("automated_decisions", len(d.AutomatedDecisions), func(i int) string { return d.AutomatedDecisions[i].ID })
	for i, a := range d.AutomatedDecisions {
		p := fmt.Sprintf("$.automated_decisions[%d]", i)
		c.oneOf(p+".kind", a.Kind, "recommendation", "targeted_ads", "decision", "ai_generation")
		c.refs(p+".purposes", a.Purposes, purposes, "purpose")
		c.refs(p+".fields", a.Fields, fields, "field")
	}
	c.ids("security.measures", len(d.Security.Measures), func(i int) string { return d.Security.Measures[i].ID })
	for i, ch := range d.Incidents.NotifySubjects {
		c.oneOf(fmt.Sprintf("$.incidents.notify_subjects[%d]", i), ch, "email", "sms", "phone", "in_app", "push", "announcement", "letter")
	}
	c.checkRights(d)
	c.checkMinors(d)
	for i, m := range d.Changes.MajorChanges {
		if _, ok := taxonomy.LookupMajorChange(m); !ok {
			c.errorf(fmt.Sprintf("$.changes.major_changes[%d]", i), "use: purpose_or_processing, controller, recipients, rights, contact, impact_assessment", "unknown major change %q", m)
		}
	}
	for i, n := range d.Changes.Notify {
		c.oneOf(fmt.Sprintf("$.changes.notify[%d]", i), n, "in_app", "popup", "email", "sms", "announcement", "website", "developer")
	}
	c.ids("commitments", len(d.Commitments), func(i int) string { return d.Commitments[i].ID })
}

func (c *checker) checkRights(d *Declaration) {
	r := d.Rights
	channels := c.ids("rights.channels", len(r.Channels), func(i int) string { return r.Channels[i].ID })
	for i, ch := range r.Channels {
		c.oneOf(fmt.Sprintf("$.rights.channels[%d].kind", i), ch.Kind, "in_app", "email", "phone", "web", "postal", "api", "developer")
	}
	seen := map[string]bool{}
	for i, it := range r.Items {
		p := fmt.Sprintf("$.rights.items[%d]", i)
		if _, ok := taxonomy.LookupRight(it.Right); !ok {
			c.errorf(p+".right", "use a right id: access, copy, portability, correct, supplement, delete, restrict, object, withdraw_consent, explain, adm_review, cancel_account, complain", "unknown right %q", it.Right)
		}
		if seen[it.Right] {
			c.errorf(p+".right", "declare each right once", "right %q is declared twice", it.Right)
		}
		seen[it.Right] = true
		c.refs(p+".channels", it.Channels, channels, "channel")
	}
	c.oneOf("$.rights.deadline_from", r.DeadlineFrom, "receipt", "verification")
	c.oneOf("$.rights.routing", r.Routing, "self", "controller")
	for i, v := range r.Verification {
		c.oneOf(fmt.Sprintf("$.rights.verification[%d]", i), v, "email_code", "sms_code", "app_assertion", "account_login", "written_request", "developer_confirmation")
	}
	for i, ref := range r.Refusals {
		if _, ok := taxonomy.LookupRefusalReason(ref); !ok {
			c.errorf(fmt.Sprintf("$.rights.refusals[%d]", i), "use a refusal reason id from the fixed list (docs/declaration.md)", "unknown refusal reason %q", ref)
		}
	}
	c.optOneOf("$.rights.fees.repeat_action", r.Fees.RepeatAction, "charge", "refuse")
	if cn := r.Cancellation; cn != nil {
		c.oneOf("$.rights.cancellation.resume", cn.Resume, "login", "none")
		c.oneOf("$.rights.cancellation.action", cn.Action, "delete", "anonymize")
	}
}

func (c *checker) checkMinors(d *Declaration) {
	m := d.Minors
	if m.MinimumAge < 0 || m.MinimumAge > 21 {
		c.errorf("$.minors.minimum_age", "use an age between 0 and 21", "minimum age %d is out of range", m.MinimumAge)
	}
	if m.GuardianConsentBelow < 0 || m.GuardianConsentBelow > 18 {
		c.errorf("$.minors.guardian_consent_below", "use an age between 0 and 18 (14 under PIPL Art. 31)", "guardian consent age %d is out of range", m.GuardianConsentBelow)
	}
	c.oneOf("$.minors.on_discovery", m.OnDiscovery, "delete", "delete_and_block", "seek_guardian_consent")
	for i, ra := range m.Regions {
		c.region(fmt.Sprintf("$.minors.regions[%d].region", i), ra.Region)
	}
}
