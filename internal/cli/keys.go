package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// withKeysRotate adds "rotate" (encryption keys) to the keys command,
// which also manages API keys, and says so in its summary and examples.
func withKeysRotate(e *env, keys *cobra.Command) *cobra.Command {
	keys.Short = "Manage API keys, and rotate the encryption keys"
	if keys.Example != "" {
		keys.Example += "\n"
	}
	keys.Example += "  trustee keys rotate --tenant acme"
	keys.AddCommand(newKeysRotateCmd(e))
	return keys
}

func newKeysRotateCmd(e *env) *cobra.Command {
	var (
		tenant string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "rotate",
		Short: "Rotate tenants' key-encryption keys, re-wrapping their data keys",
		Long: `Rotate makes a new key-encryption key (KEK) version active for one tenant
(--tenant) or for every tenant, and re-wraps every subject data key of the
tenant under it. Values are not re-encrypted: rotation touches keys only,
so it is quick whatever the amount of data. Old KEK versions stay in the
key store, inactive. Each rotation is audited as "key.rotate".

It prints the new version of each tenant's KEK and how many tenants were
rotated. A rotation interrupted halfway is completed by running it again.

Exit status: 0 done, 1 an error (an unknown tenant, a key store that does
not answer), 2 bad usage.`,
		Example: `  trustee keys rotate
  trustee keys rotate --tenant acme
  trustee keys rotate --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				rots, err := v.RotateKeys(cmd.Context(), operatorActor, tenant)
				if errors.Is(err, store.ErrNotFound) {
					err = exitf(ExitFailure, "tenant %s: not found", tenant)
				}
				if asJSON {
					if rots == nil {
						rots = []vault.Rotation{}
					}
					if jerr := writeJSONOut(e, struct {
						Rotated int              `json:"rotated"`
						Tenants []vault.Rotation `json:"tenants"`
					}{len(rots), rots}); jerr != nil && err == nil {
						err = jerr
					}
					return err
				}
				for _, r := range rots {
					fmt.Fprintf(e.stdout, "tenant %s: key-encryption key now version %d, data keys re-wrapped\n", r.Tenant, r.Version)
				}
				fmt.Fprintf(e.stdout, "rotated %d tenant(s)\n", len(rots))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "rotate this tenant only (default: every tenant)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the rotations as JSON")
	return cmd
}
