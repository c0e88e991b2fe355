package drp

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/trustee-dev/trustee/internal/store"
)

// StoreAgents returns a [Handler.Agents] lookup over st's trusted keys:
// the tenant's active key of kind agent whose id is the agent id, with
// algorithm Ed25519. A missing, revoked or non-agent key is
// ErrUnknownAgent.
func StoreAgents(st store.Store) func(ctx context.Context, tenant, agentID string) (ed25519.PublicKey, string, error) {
	return func(ctx context.Context, tenant, agentID string) (ed25519.PublicKey, string, error) {
		var k store.TrustedKey
		err := st.Read(ctx, func(rd store.Reader) error {
			var err error
			k, err = rd.GetTrustedKey(ctx, tenant, agentID)
			return err
		})
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
			return nil, "", ErrUnknownAgent
		}
		if err != nil {
			return nil, "", err
		}
		if k.Kind != store.TrustedKeyAgent || !k.Active() || k.Algorithm != store.AlgorithmEd25519 || len(k.PublicKey) != ed25519.PublicKeySize {
			return nil, "", fmt.Errorf("%w: key %s is not an active Ed25519 agent key", ErrUnknownAgent, agentID)
		}
		return ed25519.PublicKey(k.PublicKey), k.CallbackURL, nil
	}
}
