package consent

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// kind is a consent kind, ordered by strength: a stronger kind satisfies a
// weaker need.
type kind uint8

const (
	kindNone kind = iota
	kindConsent
	kindSeparate
	kindGuardian
	kindInvalid // an unknown kind string: satisfies nothing
)

func parseKind(s string) kind {
	switch s {
	case policy.ConsentNone, "":
		return kindNone
	case policy.ConsentConsent:
		return kindConsent
	case policy.ConsentSeparate:
		return kindSeparate
	case policy.ConsentGuardian:
		return kindGuardian
	}
	return kindInvalid
}

func (k kind) String() string {
	switch k {
	case kindNone:
		return policy.ConsentNone
	case kindConsent:
		return policy.ConsentConsent
	case kindSeparate:
		return policy.ConsentSeparate
	case kindGuardian:
		return policy.ConsentGuardian
	}
	return "invalid"
}

// satisfies reports whether a grant of kind k meets need.
func (k kind) satisfies(need kind) bool { return k != kindInvalid && k >= need }

// missing is the reason a need goes unmet.
func (k kind) missing() Reason {
	switch k {
	case kindSeparate:
		return ReasonNoSeparateConsent
	case kindGuardian:
		return ReasonNoGuardianConsent
	}
	return ReasonNoConsent
}

// bitset is a set of small non-negative integers.
type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitset) has(i int) bool { return i>>6 < len(b) && b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitset) hasAny(is []int32) bool {
	for _, i := range is {
		if b.has(int(i)) {
			return true
		}
	}
	return false
}

// purposeInfo is a declared purpose, compiled.
type purposeInfo struct {
	id string
	// need is the consent the purpose itself needs: its declared kind, or
	// ordinary consent when it declares none but a basis is consent.
	need        kind
	saleOrShare bool
	// noBasis is the first declared law under which the purpose has no
	// basis, "" when it has one under each; noBasisCite cites it.
	noBasis, noBasisCite string
}

// transferInfo is a declared cross-border transfer, compiled.
type transferInfo struct {
	id, to   string
	need     kind
	fields   bitset
	purposes bitset
}

// regionPlan says how data reaches one target region: the storage region it
// lies within (-1 for none), and the transfers whose destination it lies
// within.
type regionPlan struct {
	storage   int
	transfers []int32
}

// snapshot is the compiled, immutable form of one tenant's active
// declaration (or of its absence: decl nil). Only the re-consent cache in
// it changes, under its own lock.
type snapshot struct {
	tenant  string
	decl    *policy.Declaration
	version string

	fieldIdx   map[string]int32
	purposeIdx map[string]int32
	permIdx    map[string]int32
	permIDs    []string
	purposes   []purposeInfo
	// fieldPurpose holds a row of purposeWords words per field: bit p of
	// row f is set when some function collects field f for purpose p.
	fieldPurpose []uint64
	purposeWords int
	// fieldPerms lists, per field, the permissions that expose it.
	fieldPerms [][]int32

	storage     []string
	transfers   []transferInfo
	defaultPlan *regionPlan
	regions     map[string]*regionPlan
	nowhere     *regionPlan

	minors policy.Minors

	cites        map[Reason]string
	transferCite string

	diffMu sync.Mutex
	diffs  map[string]bitset // by old version: purposes needing re-consent
}

// compile builds the snapshot of d for tenant; d nil is a tenant with no
// declaration.
func compile(tenant string, d *policy.Declaration) *snapshot {
	s := &snapshot{tenant: tenant, decl: d, cites: map[Reason]string{}, diffs: map[string]bitset{}}
	var laws []string
	if d != nil {
		laws = d.Laws
	}
	for r, cs := range reasonCites {
		s.cites[r] = joinCites(cs, laws)
	}
	s.transferCite = joinCites(transferConsentCites, laws)
	if d == nil {
		return s
	}
	s.version = d.Version
	s.minors = d.Minors

	s.fieldIdx = make(map[string]int32, len(d.Fields))
	for i, f := range d.Fields {
		s.fieldIdx[f.ID] = int32(i)
	}
	s.purposeIdx = make(map[string]int32, len(d.Purposes))
	s.purposes = make([]purposeInfo, len(d.Purposes))
	for i, p := range d.Purposes {
		s.purposeIdx[p.ID] = int32(i)
		pi := purposeInfo{id: p.ID, need: purposeNeed(p), saleOrShare: p.SaleOrShare}
		for _, law := range d.Laws {
			cite, known := basisCites[law]
			if known && basisFor(p.Basis, law) == "" {
				pi.noBasis, pi.noBasisCite = law, cite
				break
			}
		}
		s.purposes[i] = pi
	}

	s.purposeWords = (len(d.Purposes) + 63) / 64
	s.fieldPurpose = make([]uint64, len(d.Fields)*s.purposeWords)
	for _, fn := range d.Functions {
		for _, fid := range fn.Fields {
			fi, ok := s.fieldIdx[fid]
			if !ok {
				continue
			}
			row := bitset(s.fieldPurpose[int(fi)*s.purposeWords : (int(fi)+1)*s.purposeWords])
			for _, pid := range fn.Purposes {
				if pi, ok := s.purposeIdx[pid]; ok {
					row.set(int(pi))
				}
			}
		}
	}

	s.permIdx = make(map[string]int32, len(d.Permissions))
	s.fieldPerms = make([][]int32, len(d.Fields))
	for i, pm := range d.Permissions {
		s.permIdx[pm.ID] = int32(i)
		s.permIDs = append(s.permIDs, pm.ID)
		for _, fid := range pm.Fields {
			if fi, ok := s.fieldIdx[fid]; ok {
				s.fieldPerms[fi] = append(s.fieldPerms[fi], int32(i))
			}
		}
	}

	s.storage = d.Storage.Regions
	for _, t := range d.Storage.Transfers {
		ti := transferInfo{id: t.ID, to: t.To, need: parseKind(t.Consent),
			fields: newBitset(len(d.Fields)), purposes: newBitset(len(d.Purposes))}
		for _, f := range t.Fields {
			if fi, ok := s.fieldIdx[f]; ok {
				ti.fields.set(int(fi))
			}
		}
		for _, p := range t.Purposes {
			if pi, ok := s.purposeIdx[p]; ok {
				ti.purposes.set(int(pi))
			}
		}
		s.transfers = append(s.transfers, ti)
	}
	s.nowhere = &regionPlan{storage: -1}
	s.regions = map[string]*regionPlan{}
	add := func(id string) {
		id = strings.ToUpper(id)
		if _, done := s.regions[id]; !done {
			s.regions[id] = s.planFor(id)
		}
	}
	for _, r := range taxonomy.Regions() {
		add(r.ID)
	}
	for _, r := range s.storage {
		add(r)
	}
	for _, t := range s.transfers {
		add(t.to)
	}
	s.defaultPlan = s.nowhere
	if len(s.storage) > 0 {
		s.defaultPlan = s.regions[strings.ToUpper(s.storage[0])]
	}
	return s
}

// purposeNeed is the consent purpose p needs by itself.
func purposeNeed(p policy.Purpose) kind {
	k := parseKind(p.Consent)
	if k == kindNone && (p.Basis.PIPL == "consent" || p.Basis.GDPR == "consent") {
		// A basis of consent needs consent even when the purpose forgot to
		// ask for it (lint reports the contradiction).
		k = kindConsent
	}
	return k
}

// basisFor returns b's basis under law.
func basisFor(b policy.Basis, law string) string {
	switch law {
	case taxonomy.LawPIPL:
		return b.PIPL
	case taxonomy.LawGDPR:
		return b.GDPR
	case taxonomy.LawCCPA:
		return b.CCPA
	}
	return ""
}

// within reports whether region lies within declared: the same region, or
// one of declared's parts ("DE" within "EU", "US-CA" within "US").
func within(region, declared string) bool {
	for range 4 { // taxonomy parents nest at most a few levels
		if strings.EqualFold(region, declared) {
			return true
		}
		r, ok := taxonomy.LookupRegion(region)
		if !ok || r.Parent == "" {
			return false
		}
		region = r.Parent
	}
	return false
}

// planFor computes the plan of target region id.
func (s *snapshot) planFor(id string) *regionPlan {
	p := &regionPlan{storage: -1}
	for i, r := range s.storage {
		if within(id, r) {
			p.storage = i
			break
		}
	}
	for i, t := range s.transfers {
		if within(id, t.to) {
			p.transfers = append(p.transfers, int32(i))
		}
	}
	return p
}

// plan returns the plan of target region id ("" for the first storage
// region). It does not allocate for a region given in upper case.
func (s *snapshot) plan(id string) *regionPlan {
	if id == "" {
		return s.defaultPlan
	}
	if p, ok := s.regions[id]; ok {
		return p
	}
	if p, ok := s.regions[strings.ToUpper(id)]; ok {
		return p
	}
	return s.nowhere
}

// forPurpose reports whether some function collects field fi for purpose pi.
func (s *snapshot) forPurpose(fi, pi int32) bool {
	w := s.fieldPurpose[int(fi)*s.purposeWords+int(pi)>>6]
	return w&(1<<(uint(pi)&63)) != 0
}

// covering returns the first transfer of p covering field fi for purpose
// pi, or -1.
func (s *snapshot) covering(p *regionPlan, fi, pi int32) int {
	for _, ti := range p.transfers {
		t := &s.transfers[ti]
		if t.fields.has(int(fi)) && t.purposes.has(int(pi)) {
			return int(ti)
		}
	}
	return -1
}

// ages returns the minimum age and the guardian-consent age for a subject
// living in region: the declaration's, or those of the regional rule the
// region lies within (an exact match first).
func (s *snapshot) ages(region string) (minimum, guardian int) { return AgesOf(s.minors, region) }

// AgesOf returns the minimum age and the guardian-consent age of m for a
// subject living in region ("" unknown): a regional rule's when one matches.
func AgesOf(m policy.Minors, region string) (minimum, guardian int) {
	minimum, guardian = m.MinimumAge, m.GuardianConsentBelow
	if region == "" {
		return minimum, guardian
	}
	pick := -1
	for i, ra := range m.Regions {
		if strings.EqualFold(ra.Region, region) {
			pick = i
			break
		}
		if pick < 0 && within(region, ra.Region) {
			pick = i
		}
	}
	if pick >= 0 {
		ra := m.Regions[pick]
		if ra.MinimumAge != 0 {
			minimum = ra.MinimumAge
		}
		guardian = ra.GuardianConsentBelow
	}
	return minimum, guardian
}

// reconsent returns the purposes whose consent under version no longer
// covers the active declaration: those policy.Diff(version, active) lists
// as needing re-consent. A version the source does not know is diffed as
// an empty declaration, so every purpose asking for consent needs it anew.
// Results are cached per old version for the life of the snapshot.
func (s *snapshot) reconsent(ctx context.Context, src Source, version string) (bitset, error) {
	s.diffMu.Lock()
	b, ok := s.diffs[version]
	s.diffMu.Unlock()
	if ok {
		return b, nil
	}
	var old *policy.Declaration
	if version != "" {
		var err error
		old, err = src.DeclarationByVersion(ctx, s.tenant, version)
		if err != nil && !errors.Is(err, ErrNoDeclaration) {
			return nil, err
		}
		if err != nil {
			old = nil
		}
	}
	b = newBitset(len(s.purposes))
	for _, id := range policy.Diff(old, s.decl).ReconsentPurposes {
		if pi, ok := s.purposeIdx[id]; ok {
			b.set(int(pi))
		}
	}
	s.diffMu.Lock()
	s.diffs[version] = b
	s.diffMu.Unlock()
	return b, nil
}
