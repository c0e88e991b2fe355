package policy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Change kinds, the values of [Change.Kind].
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// Change is one difference between two versions of a declaration.
type Change struct {
	// Path names what changed. Elements of lists are named by their id
	// (or, for elements without one, by their natural key: a right, a
	// contact's kind:value, a definition's English term), never by their
	// position: "purposes[ads].consent", "rights.items[delete].channels",
	// "controller.contacts[email:privacy@example.com]". Lists of plain
	// strings are sets: an added or removed member is a change of the list,
	// with the member as New or Old.
	Path string `json:"path"`
	// Kind is added, removed or changed.
	Kind string `json:"kind"`
	// Old and New are the values before and after: a scalar as text, a
	// whole added or removed element as compact JSON, "" when absent.
	Old string `json:"old"`
	New string `json:"new"`
	// Major is true for a major change; Item then names its kind, a
	// taxonomy major-change id (purpose_or_processing, controller,
	// recipients, rights, contact, impact_assessment).
	Major bool   `json:"major"`
	Item  string `json:"item"`
	// Summary says in words what the change is.
	Summary string `json:"summary"`
}

// ChangeSet is every change from one version of a declaration to the next,
// classified.
type ChangeSet struct {
	// From and To are the versions compared.
	From string `json:"from"`
	To   string `json:"to"`
	// Changes are in a deterministic order: the order of the declaration's
	// keys, and within a list the new version's order, then what was
	// removed.
	Changes []Change `json:"changes"`
	// Major is true when any change is major: the new version must be
	// notified prominently.
	Major bool `json:"major"`
	// ReconsentRequired is true when a major change touches a purpose that
	// asks for consent (kind other than none), or adds one; the consent
	// given to the old version no longer covers it (PIPL 14, 17).
	ReconsentRequired bool `json:"reconsent_required"`
	// ReconsentPurposes are the ids of those purposes, in the new
	// version's order.
	ReconsentPurposes []string `json:"reconsent_purposes"`
}

// Diff compares two versions of a declaration and classifies each change
// as major (one of the seeds' six kinds, taxonomy.MajorChanges) or minor.
// A nil declaration is an empty one. Diff only reads its arguments.
//
// # Classification
//
// The first row that matches a change decides; a change no row matches is
// minor. Labels and opening hours are minor everywhere; other texts are
// wording, and minor, unless a row names them (the controller's and the
// department's names, the complaint channel, a recipient's company, the
// conditions of account cancellation).
//
//	item                   major when
//	purpose_or_processing  a purpose added or removed, its basis, consent kind changed, or it becomes a sale/share;
//	                       a category added, its taxonomy changed, or it is marked sensitive;
//	                       a field added, its category, source or identifier changed, or its hashing weakened to none;
//	                       a function added, a purpose, field or permission added to a function, it becomes core or
//	                       third_party, or it starts running in the background;
//	                       a permission added, or a platform permission or field added to one;
//	                       an automated decision added, its kind changed, a purpose or field added to it, its opt-out
//	                       or human review removed, or it gains a significant effect;
//	                       a retention rule removed, its duration lengthened, its trigger changed, its action changed
//	                       from delete to anonymize, or an exception (legal hold) added to it;
//	                       storage regions changed; a cookie other than strictly necessary added, its category
//	                       changed or its duration lengthened;
//	                       the minimum age or guardian-consent age lowered, the treatment of discovered minors
//	                       changed, a regional age rule added or removed
//	controller             the controller's name or country changed; the product's role (controller or entrusted)
//	                       changed
//	recipients             a recipient added or removed, its company, kind, role, purposes, fields, region or consent
//	                       changed; a cookie's provider changed; a transfer added, or any of it but its description
//	                       changed
//	rights                 a right removed or a channel removed from it, its own deadline lengthened; a request
//	                       channel removed or its kind or value changed; the deadline lengthened, counted from
//	                       verification instead of receipt, or its calendar changed; verification methods, fees,
//	                       refusal reasons or routing changed; the cancellation process added, removed or changed
//	                       (but for its how-to text); a kind of major change dropped from the change policy, or the
//	                       promise not to reduce rights without consent withdrawn
//	contact                the controller's or the department's contacts added or removed; the department renamed;
//	                       the complaint channel changed; the EU representative changed
//	impact_assessment      a sensitive category's impact assessment reference added or changed
//
// Minor, for example: the version and dates, the laws list, labels and
// descriptions, definitions, a field, category, function or permission
// removed, a purpose or field removed from a function, a retention rule
// added or shortened, a right or a channel added, a deadline shortened,
// security measures, incident promises and commitments.
//
// ReconsentRequired is set when a major change touches a purpose whose
// consent kind in the new version is not "none". A change to a purpose,
// function, recipient, transfer, automated decision, retention rule, field,
// category or permission touches the purposes it names or that process its
// data; any other major change (controller, contact, rights, storage
// regions, cookies, minors) touches every purpose.
func Diff(old, new *Declaration) ChangeSet {
	if old == nil {
		old = &Declaration{}
	}
	if new == nil {
		new = &Declaration{}
	}
	w := &diffWalker{}
	w.walk("", "", nil, reflect.ValueOf(old).Elem(), reflect.ValueOf(new).Elem())
	x := newDiffCtx(old, new)
	cs := ChangeSet{From: old.Version, To: new.Version, Changes: make([]Change, 0, len(w.out)), ReconsentPurposes: []string{}}
	reconsent := map[string]bool{}
	for i := range w.out {
		c := &w.out[i]
		x.classify(c)
		cs.Changes = append(cs.Changes, c.Change)
		if !c.Major {
			continue
		}
		cs.Major = true
		for _, p := range x.touched(c) {
			if x.asksConsent(p) {
				reconsent[p] = true
			}
		}
	}
	for _, p := range new.Purposes {
		if reconsent[p.ID] {
			cs.ReconsentPurposes = append(cs.ReconsentPurposes, p.ID)
			delete(reconsent, p.ID)
		}
	}
	cs.ReconsentRequired = len(cs.ReconsentPurposes) > 0
	return cs
}

// rawChange is a change as the walker finds it, before classification.
type rawChange struct {
	Change
	// shape is Path with list keys removed ("purposes[].consent"), for
	// matching classification rules; keys are those list keys, outermost
	// first.
	shape string
	keys  []string
	// old and new are the values compared: scalars for a changed leaf, the
	// element for an added or removed one (the other is invalid).
	old, new reflect.Value
}

// diffWalker compares two values of one type, recursively.
type diffWalker struct{ out []rawChange }

var (
	diffPeriodType = reflect.TypeFor[Period]()
	diffDateType   = reflect.TypeFor[Date]()
)

func diffJoin(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (w *diffWalker) add(kind, path, shape string, keys []string, a, b reflect.Value) {
	c := rawChange{Change: Change{Path: path, Kind: kind}, shape: shape, keys: keys, old: a, new: b}
	if a.IsValid() {
		c.Old = diffString(a)
	}
	if b.IsValid() {
		c.New = diffString(b)
	}
	w.out = append(w.out, c)
}

func (w *diffWalker) walk(path, shape string, keys []string, a, b reflect.Value) {
	switch a.Kind() {
	case reflect.Pointer:
		switch {
		case a.IsNil() && b.IsNil():
		case a.IsNil():
			w.add(ChangeAdded, path, shape, keys, reflect.Value{}, b.Elem())
		case b.IsNil():
			w.add(ChangeRemoved, path, shape, keys, a.Elem(), reflect.Value{})
		default:
			w.walk(path, shape, keys, a.Elem(), b.Elem())
		}
	case reflect.Slice:
		w.list(path, shape, keys, a, b)
	case reflect.Struct:
		if t := a.Type(); t == diffPeriodType || t == diffDateType {
			w.leaf(path, shape, keys, a, b)
			return
		}
		t := a.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			w.walk(diffJoin(path, name), diffJoin(shape, name), keys, a.Field(i), b.Field(i))
		}
	default:
		w.leaf(path, shape, keys, a, b)
	}
}

func (w *diffWalker) leaf(path, shape string, keys []string, a, b reflect.Value) {
	if diffString(a) != diffString(b) {
		w.add(ChangeChanged, path, shape, keys, a, b)
	}
}

// list compares two lists: strings as sets, elements with a key by key,
// other elements as sets of values.
func (w *diffWalker) list(path, shape string, keys []string, a, b reflect.Value) {
	keyOf, keyed := diffKeyFunc(a.Type().Elem())
	if !keyed {
		// Sets: of strings, or of elements with no key (texts).
		as, bs := diffMembers(a), diffMembers(b)
		for i := 0; i < b.Len(); i++ {
			if s := diffString(b.Index(i)); !as[s] {
				as[s] = true // report a duplicate once
				w.add(ChangeAdded, path, shape, keys, reflect.Value{}, b.Index(i))
			}
		}
		for i := 0; i < a.Len(); i++ {
			if s := diffString(a.Index(i)); !bs[s] {
				bs[s] = true
				w.add(ChangeRemoved, path, shape, keys, a.Index(i), reflect.Value{})
			}
		}
		return
	}
	ak, bk := diffKeys(a, keyOf), diffKeys(b, keyOf)
	ai := make(map[string]int, len(ak))
	for i, k := range ak {
		ai[k] = i
	}
	bi := make(map[string]int, len(bk))
	for i, k := range bk {
		bi[k] = i
	}
	for j, k := range bk {
		p, s, ks := path+"["+k+"]", shape+"[]", append(slices.Clip(keys), k)
		if i, ok := ai[k]; ok {
			w.walk(p, s, ks, a.Index(i), b.Index(j))
		} else {
			w.add(ChangeAdded, p, s, ks, reflect.Value{}, b.Index(j))
		}
	}
	for i, k := range ak {
		if _, ok := bi[k]; !ok {
			w.add(ChangeRemoved, path+"["+k+"]", shape+"[]", append(slices.Clip(keys), k), a.Index(i), reflect.Value{})
		}
	}
}

// diffMembers returns the set of a list's members as text.
func diffMembers(v reflect.Value) map[string]bool {
	m := make(map[string]bool, v.Len())
	for i := 0; i < v.Len(); i++ {
		m[diffString(v.Index(i))] = true
	}
	return m
}

// diffKeys returns the key of each element, making repeated keys unique
// ("k", "k#2").
func diffKeys(v reflect.Value, keyOf func(reflect.Value) string) []string {
	keys := make([]string, v.Len())
	seen := map[string]int{}
	for i := range keys {
		k := keyOf(v.Index(i))
		seen[k]++
		if n := seen[k]; n > 1 {
			k += "#" + strconv.Itoa(n)
		}
		keys[i] = k
	}
	return keys
}

// diffKeyFunc returns how elements of type t are matched between versions,
// or false when they are compared as a set.
func diffKeyFunc(t reflect.Type) (func(reflect.Value) string, bool) {
	switch t {
	case reflect.TypeFor[RightItem]():
		return func(v reflect.Value) string { return v.Interface().(RightItem).Right }, true
	case reflect.TypeFor[AnonymizeStep]():
		return func(v reflect.Value) string { return v.Interface().(AnonymizeStep).Field }, true
	case reflect.TypeFor[RegionAge]():
		return func(v reflect.Value) string { return v.Interface().(RegionAge).Region }, true
	case reflect.TypeFor[Contact]():
		return func(v reflect.Value) string { c := v.Interface().(Contact); return c.Kind + ":" + c.Value }, true
	case reflect.TypeFor[Definition]():
		return func(v reflect.Value) string {
			d := v.Interface().(Definition)
			if d.Term.EN != "" {
				return d.Term.EN
			}
			return d.Term.ZH
		}, true
	}
	if t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName("ID"); ok && f.Type.Kind() == reflect.String {
			return func(v reflect.Value) string { return v.FieldByIndex(f.Index).String() }, true
		}
	}
	return nil, false
}

// diffString returns a value as text: a scalar as itself, anything else as
// compact JSON.
func diffString(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case Period:
		return x.String()
	case Date:
		return x.String()
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprint(v.Interface())
	}
	var tree any
	if json.Unmarshal(b, &tree) != nil {
		return string(b)
	}
	if b, err = json.Marshal(diffPrune(tree)); err != nil {
		return fmt.Sprint(v.Interface())
	}
	return string(b)
}

// diffPrune drops empty strings, objects and lists from decoded JSON, so an
// element reads as it was written (an absent label is not shown as {}).
func diffPrune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = diffPrune(e)
			switch y := e.(type) {
			case string:
				if y == "" {
					delete(x, k)
					continue
				}
			case map[string]any:
				if len(y) == 0 {
					delete(x, k)
					continue
				}
			case []any:
				if len(y) == 0 {
					delete(x, k)
					continue
				}
			}
			x[k] = e
		}
	case []any:
		for i, e := range x {
			x[i] = diffPrune(e)
		}
	}
	return v
}
