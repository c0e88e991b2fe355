package consent

import (
	"context"

	"github.com/trustee-dev/trustee/internal/taxonomy"
)

// purposeConsent is a subject's last consent event for one purpose,
// compiled against a snapshot.
type purposeConsent struct {
	present   bool
	granted   bool
	reconsent bool // granted under a version a major change overtook
	kind      kind
}

// subjectEntry is a subject's state compiled against one snapshot. It is
// immutable once built.
type subjectEntry struct {
	snap  *snapshot
	state SubjectState // as the source gave it, to recompile from

	status       Reason // ReasonOK, or the refusal the status gives
	underMinimum bool
	needGuardian bool
	minimumAge   int
	consents     []purposeConsent // by purpose index; nil for none
	gpc          bool
	devices      map[string]bitset // granted permissions by device
	crosses      []bool            // by storage region index: the subject's region lies across a border from it
}

// compileSubject compiles st against snapshot s, whose declaration must
// not be nil. It may read old declarations from src to decide re-consent.
func compileSubject(ctx context.Context, src Source, s *snapshot, st SubjectState) (*subjectEntry, error) {
	e := &subjectEntry{snap: s, state: st, gpc: st.GPCOptOut}
	switch st.Status {
	case "", StatusActive:
		e.status = ReasonOK
	case StatusBanned:
		e.status = ReasonSubjectBanned
	case StatusCancelled:
		e.status = ReasonSubjectCancelled
	case StatusErased:
		e.status = ReasonSubjectErased
	default: // restricted, and any status the engine does not know
		e.status = ReasonSubjectRestricted
	}
	if st.AgeFloor > 0 {
		minimum, guardian := s.ages(st.Region)
		e.minimumAge = minimum
		// The floor is the bracket's lower bound: a bracket that straddles
		// an age limit counts as below it.
		e.underMinimum = st.AgeFloor < minimum
		e.needGuardian = st.AgeFloor < guardian
	}
	if len(st.Consents) > 0 {
		e.consents = make([]purposeConsent, len(s.purposes))
		for id, c := range st.Consents {
			pi, ok := s.purposeIdx[id]
			if !ok {
				continue
			}
			pc := purposeConsent{present: true, granted: c.Granted, kind: parseKind(c.Kind)}
			if pc.kind == kindNone {
				pc.kind = kindInvalid
			}
			if c.Granted && c.DeclarationVersion != s.version {
				rs, err := s.reconsent(ctx, src, c.DeclarationVersion)
				if err != nil {
					return nil, err
				}
				pc.reconsent = rs.has(int(pi))
			}
			e.consents[pi] = pc
		}
	}
	if len(st.Permissions) > 0 && len(s.permIDs) > 0 {
		e.devices = make(map[string]bitset, len(st.Permissions))
		for dev, perms := range st.Permissions {
			b := newBitset(len(s.permIDs))
			for id, granted := range perms {
				if pi, ok := s.permIdx[id]; ok && granted {
					b.set(int(pi))
				}
			}
			e.devices[dev] = b
		}
	}
	if st.Region != "" && len(s.transfers) > 0 {
		e.crosses = make([]bool, len(s.storage))
		for i, r := range s.storage {
			e.crosses[i] = taxonomy.CrossBorder(st.Region, r)
		}
	}
	return e, nil
}

// consent returns the subject's consent for purpose pi.
func (e *subjectEntry) consent(pi int32) purposeConsent {
	if e.consents == nil {
		return purposeConsent{}
	}
	return e.consents[pi]
}

// check returns ReasonOK when the subject's consent for purpose pi meets
// need, and otherwise why not.
func (e *subjectEntry) check(pi int32, need kind) Reason {
	c := e.consent(pi)
	switch {
	case !c.present:
		return need.missing()
	case !c.granted:
		return ReasonConsentWithdrawn
	case !c.kind.satisfies(need):
		return need.missing()
	case c.reconsent:
		return ReasonReconsentRequired
	}
	return ReasonOK
}

// crossesTo reports whether the subject is known to live across a border
// from storage region i.
func (e *subjectEntry) crossesTo(i int) bool { return i < len(e.crosses) && e.crosses[i] }
