package consent

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/trustee-dev/trustee/internal/audit"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/store"
)

// ChannelGPC is the channel of the withdrawals a Sec-GPC: 1 signal records
// ([Ledger.RecordGPC]). A purpose whose last event is such a withdrawal
// keeps its earlier consent state and sets [SubjectState.GPCOptOut]: the
// subject opted out of the sale or sharing, not of the purpose.
const ChannelGPC = "gpc"

// StoreSource is the [Source] of a [store.Store]: declarations parsed from
// their stored versions, subject state from the subject, its consent ledger
// and its permission states. Parsed declarations are cached, keyed by
// tenant and text digest (versions never change), so a snapshot reload does
// not parse again. It is safe for concurrent use.
type StoreSource struct {
	st store.Store

	mu     sync.Mutex
	parsed map[string]*policy.Declaration // tenant \x00 sha256 → declaration
	byVer  map[string]*policy.Declaration // tenant \x00 version → declaration
}

var _ Source = (*StoreSource)(nil)

// maxParsed bounds the parsed declarations cached; past it the cache
// starts over.
const maxParsed = 4096

// NewStoreSource returns a Source reading st.
func NewStoreSource(st store.Store) *StoreSource {
	return &StoreSource{st: st, parsed: map[string]*policy.Declaration{}, byVer: map[string]*policy.Declaration{}}
}

// ActiveDeclaration returns the tenant's active declaration, parsed.
func (s *StoreSource) ActiveDeclaration(ctx context.Context, tenant string) (*policy.Declaration, error) {
	var dv store.DeclarationVersion
	err := s.st.Read(ctx, func(r store.Reader) error {
		var err error
		dv, err = r.ActiveDeclaration(ctx, tenant)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("tenant %s: %w", tenant, ErrNoDeclaration)
	}
	if err != nil {
		return nil, err
	}
	return s.parse(dv)
}

// DeclarationByVersion returns the tenant's declaration with the version
// label.
func (s *StoreSource) DeclarationByVersion(ctx context.Context, tenant, version string) (*policy.Declaration, error) {
	key := tenant + "\x00" + version
	s.mu.Lock()
	d, ok := s.byVer[key]
	s.mu.Unlock()
	if ok {
		return d, nil
	}
	var dv store.DeclarationVersion
	found := false
	err := s.st.Read(ctx, func(r store.Reader) error {
		p := store.Page{Limit: store.MaxLimit}
		for {
			list, next, err := r.ListDeclarations(ctx, tenant, p)
			if err != nil {
				return err
			}
			for _, v := range list {
				if v.Version == version {
					dv, err = r.GetDeclaration(ctx, tenant, v.Seq)
					found = err == nil
					return err
				}
			}
			if next == "" {
				return nil
			}
			p.After = next
		}
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("tenant %s version %s: %w", tenant, version, ErrNoDeclaration)
	}
	return s.parse(dv)
}

// parse returns dv's declaration, parsed once.
func (s *StoreSource) parse(dv store.DeclarationVersion) (*policy.Declaration, error) {
	key := dv.Tenant + "\x00" + dv.SHA256
	s.mu.Lock()
	d, ok := s.parsed[key]
	s.mu.Unlock()
	if ok {
		return d, nil
	}
	doc, err := policy.Parse("declaration-"+strconv.FormatInt(dv.Seq, 10)+".yaml", dv.Source)
	if err != nil {
		// Stored declarations were parsed on upload: this is a bug or a
		// parser change, not bad input.
		return nil, fmt.Errorf("consent: tenant %s declaration %d no longer parses: %w", dv.Tenant, dv.Seq, err)
	}
	d = doc.Decl
	s.mu.Lock()
	if len(s.parsed) >= maxParsed {
		clear(s.parsed)
		clear(s.byVer)
	}
	s.parsed[key] = d
	s.byVer[dv.Tenant+"\x00"+d.Version] = d
	s.mu.Unlock()
	return d, nil
}

// SubjectState reads the subject, its ledger and its permission states in
// one snapshot of the store.
func (s *StoreSource) SubjectState(ctx context.Context, tenant, subject string) (SubjectState, error) {
	var st SubjectState
	err := s.st.Read(ctx, func(r store.Reader) error {
		sub, err := r.GetSubject(ctx, tenant, subject)
		if errors.Is(err, store.ErrNotFound) {
			return nil // unknown: the zero state
		}
		if err != nil {
			return err
		}
		st.Status = string(sub.Status)
		st.AgeFloor = sub.AgeFloor
		st.Region = sub.Region
		last, err := lastEvents(ctx, r, tenant, subject)
		if err != nil {
			return err
		}
		st.Consents, st.GPCOptOut = consentsOf(last)
		perms, err := r.ListPermissionStates(ctx, tenant, subject)
		if err != nil {
			return err
		}
		if len(perms) > 0 {
			st.Permissions = map[string]map[string]bool{}
			for _, p := range perms {
				m := st.Permissions[p.Device]
				if m == nil {
					m = map[string]bool{}
					st.Permissions[p.Device] = m
				}
				m[p.Permission] = p.Granted
			}
		}
		return nil
	})
	return st, err
}

// purposeEvents are a subject's last events for one purpose: the last of
// all, and the last that was not a GPC withdrawal.
type purposeEvents struct {
	last, lastOwn store.ConsentEvent
	hasOwn        bool
}

// lastEvents reads the subject's whole ledger and keeps the last events of
// each purpose.
func lastEvents(ctx context.Context, r store.Reader, tenant, subject string) (map[string]purposeEvents, error) {
	out := map[string]purposeEvents{}
	p := store.Page{Limit: store.MaxLimit}
	for {
		evs, next, err := r.ListConsentEvents(ctx, tenant, subject, p)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			pe := out[e.Purpose]
			pe.last = e
			if !isGPC(e) {
				pe.lastOwn, pe.hasOwn = e, true
			}
			out[e.Purpose] = pe
		}
		if next == "" {
			return out, nil
		}
		p.After = next
	}
}

func isGPC(e store.ConsentEvent) bool {
	return e.Action == store.ConsentWithdraw && e.Channel == ChannelGPC
}

// consentsOf turns last events into the engine's consent states: a purpose
// whose last event is a GPC withdrawal keeps its own last event and sets
// the opt-out.
func consentsOf(last map[string]purposeEvents) (map[string]ConsentState, bool) {
	var cs map[string]ConsentState
	gpc := false
	for purpose, pe := range last {
		if isGPC(pe.last) {
			gpc = true
		}
		if !pe.hasOwn {
			continue
		}
		if cs == nil {
			cs = make(map[string]ConsentState, len(last))
		}
		e := pe.lastOwn
		cs[purpose] = ConsentState{Granted: e.Action == store.ConsentGrant, Kind: string(e.Kind), DeclarationVersion: e.DeclarationVersion, At: e.At}
	}
	return cs, gpc
}

// AuditFeed is the [Feed] of a store's audit log: every node appends an
// entry with each mutation, so following the log tells a node's engine
// what other nodes changed. Its cursor is the number of entries read.
type AuditFeed struct {
	Log audit.Log
}

var _ Feed = AuditFeed{}

// Batch sizes of [AuditFeed.Changes]: entries read per scan, and at most
// scanned per call when none of them changes anything.
const (
	feedBatch   = 4096
	feedMaxScan = 16 * feedBatch
)

// Changes returns the changes recorded by the entries from after on.
func (f AuditFeed) Changes(ctx context.Context, after int64) ([]Change, int64, error) {
	size, err := f.Log.AuditSize(ctx)
	if err != nil {
		return nil, after, err
	}
	if after < 0 {
		return nil, size, nil
	}
	var out []Change
	cursor := after
	for cursor < size && len(out) == 0 && cursor-after < feedMaxScan {
		to := min(size, cursor+feedBatch)
		err := f.Log.AuditEntries(ctx, cursor, to, func(e audit.StoredEntry) error {
			if c, ok := ChangeOf(e.Entry); ok {
				out = append(out, c)
			}
			return nil
		})
		if err != nil {
			return nil, after, err
		}
		cursor = to
	}
	return out, cursor, nil
}

// ChangeOf returns the change an audit entry records, if it changes what
// the engine caches: consent, subject, permission and guardian actions
// change the subject (all of the tenant's when the entry names none), and
// declaration.activate the tenant's declaration.
func ChangeOf(e audit.Entry) (Change, bool) {
	if e.Tenant == "" {
		return Change{}, false
	}
	verb, _, _ := strings.Cut(e.Action, ".")
	switch {
	case e.Action == "declaration.activate":
		return Change{Tenant: e.Tenant, Kind: ChangeTenant}, true
	case verb == "consent" || verb == "subject" || verb == "permission" || verb == "guardian":
		return Change{Tenant: e.Tenant, Subject: e.Subject, Kind: ChangeSubject}, true
	}
	return Change{}, false
}
