package cli

import (
	"context"
	"time"

	"github.com/trustee-dev/trustee/internal/api"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/vault"
)

// followEvery is how often a node polls the audit log for changes other
// nodes made (consent, subjects, declarations), so that its decision
// engine's caches stay current when several nodes share one database.
const followEvery = 500 * time.Millisecond

// mountV1 mounts the /v1 API on srv over the vault: a decision engine
// reading the vault's store, following the audit log for changes made by
// other nodes until ctx ends.
func (e *env) mountV1(ctx context.Context, srv *api.Server, v *vault.Vault) error {
	src := consent.NewStoreSource(v.Store())
	eng := consent.NewEngine(src, consent.WithLogger(e.log))
	if err := srv.MountV1(api.V1{Vault: v, Engine: eng, Source: src}); err != nil {
		return err
	}
	go eng.Follow(ctx, consent.AuditFeed{Log: v.Store()}, followEvery)
	return nil
}
