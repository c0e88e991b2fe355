package taxonomy

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// files holds the tables, one JSON array per file.
//
//go:embed data/*.json
var files embed.FS

// data is the parsed and validated content of files.
var data = mustLoad()

// db is the whole reference data set, indexed.
type db struct {
	categories     table[Category]
	sensitiveKinds table[SensitiveKind]
	identifiers    table[Identifier]
	purposes       table[Purpose]
	legalBases     table[LegalBasis] // keyed law + "/" + id
	permissions    table[Permission]
	groups         table[PermissionGroup]
	regions        table[Region]
	rights         table[Right]
	refusals       table[RefusalReason]
	majorChanges   table[MajorChange]

	permByLower map[string]string // lower-case permission ID → ID
	groupByName map[string]string // normalized short name or alias → group ID
}

// table is an ordered list of entries with an index by key. It is never
// modified after load.
type table[T any] struct {
	items []T
	index map[string]int
	clone func(T) T // deep copy for entries holding slices; nil: plain copy
}

func (t table[T]) get(key string) (T, bool) {
	i, ok := t.index[key]
	if !ok {
		var zero T
		return zero, false
	}
	return t.copyOf(t.items[i]), true
}

func (t table[T]) all() []T {
	out := make([]T, len(t.items))
	for i, v := range t.items {
		out[i] = t.copyOf(v)
	}
	return out
}

func (t table[T]) copyOf(v T) T {
	if t.clone == nil {
		return v
	}
	return t.clone(v)
}

func mustLoad() *db {
	d, err := load(files)
	if err != nil {
		panic("taxonomy: embedded reference data is invalid:\n" + err.Error())
	}
	return d
}

// checker collects every problem found in the data, so that one run of the
// tests reports all of them.
type checker struct{ errs []error }

func (c *checker) add(file, id, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %q: %s", file, id, fmt.Sprintf(format, args...)))
}

func (c *checker) labels(file, id string, labels map[string]Label) {
	for name, l := range labels {
		if !l.complete() {
			c.add(file, id, "%s needs both en and zh text", name)
		}
	}
}

// load parses and validates the tables found under data/ in fsys.
func load(fsys fs.FS) (*db, error) {
	var c checker
	d := &db{}

	cats := decodeInto[Category](fsys, "categories.json", &c)
	kinds := decodeInto[SensitiveKind](fsys, "sensitive_kinds.json", &c)
	ids := decodeInto[Identifier](fsys, "identifiers.json", &c)
	purposes := decodeInto[Purpose](fsys, "purposes.json", &c)
	bases := decodeInto[LegalBasis](fsys, "legal_bases.json", &c)
	perms := decodeInto[Permission](fsys, "permissions.json", &c)
	groups := decodeInto[PermissionGroup](fsys, "permission_groups.json", &c)
	regions := decodeInto[Region](fsys, "regions.json", &c)
	rights := decodeInto[Right](fsys, "rights.json", &c)
	refusals := decodeInto[RefusalReason](fsys, "refusal_reasons.json", &c)
	changes := decodeInto[MajorChange](fsys, "major_changes.json", &c)
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}

	d.categories = index(&c, "categories.json", cats, func(v Category) string { return v.ID })
	d.sensitiveKinds = index(&c, "sensitive_kinds.json", kinds, func(v SensitiveKind) string { return v.ID })
	d.identifiers = index(&c, "identifiers.json", ids, func(v Identifier) string { return v.ID })
	d.identifiers.clone = Identifier.clone
	d.purposes = index(&c, "purposes.json", purposes, func(v Purpose) string { return v.ID })
	d.legalBases = index(&c, "legal_bases.json", bases, func(v LegalBasis) string { return v.Law + "/" + v.ID })
	d.permissions = index(&c, "permissions.json", perms, func(v Permission) string { return v.ID })
	d.permissions.clone = Permission.clone
	d.groups = index(&c, "permission_groups.json", groups, func(v PermissionGroup) string { return v.ID })
	d.groups.clone = PermissionGroup.clone
	d.regions = index(&c, "regions.json", regions, func(v Region) string { return v.ID })
	d.rights = index(&c, "rights.json", rights, func(v Right) string { return v.ID })
	d.refusals = index(&c, "refusal_reasons.json", refusals, func(v RefusalReason) string { return v.ID })
	d.majorChanges = index(&c, "major_changes.json", changes, func(v MajorChange) string { return v.ID })

	d.checkCategories(&c)
	d.checkIdentifiers(&c)
	d.checkPurposes(&c)
	d.checkLegalBases(&c)
	d.checkPermissions(&c)
	d.checkRegions(&c)
	d.checkRequests(&c)
	d.indexPermissionNames(&c)

	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	return d, nil
}

// decodeInto reads data/name from fsys as a JSON array of T, refusing
// unknown fields and trailing data.
func decodeInto[T any](fsys fs.FS, name string, c *checker) []T {
	b, err := fs.ReadFile(fsys, "data/"+name)
	if err != nil {
		c.errs = append(c.errs, err)
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v []T
	if err := dec.Decode(&v); err != nil {
		c.errs = append(c.errs, fmt.Errorf("%s: %w", name, err))
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		c.errs = append(c.errs, fmt.Errorf("%s: unexpected data after the top-level array", name))
	}
	return v
}

// index builds a table, reporting empty and duplicate keys.
func index[T any](c *checker, file string, items []T, key func(T) string) table[T] {
	t := table[T]{items: items, index: make(map[string]int, len(items))}
	for i, v := range items {
		k := key(v)
		switch {
		case strings.TrimSpace(k) == "" || strings.HasSuffix(k, "/"):
			c.add(file, fmt.Sprintf("#%d", i), "entry has no id")
		case k != strings.TrimSpace(k):
			c.add(file, k, "id has surrounding spaces")
		default:
			if _, dup := t.index[k]; dup {
				c.add(file, k, "duplicate id")
				continue
			}
			t.index[k] = i
		}
	}
	return t
}
