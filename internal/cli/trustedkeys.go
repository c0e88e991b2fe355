package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/api"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

func newTrustedKeysCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trusted-keys",
		Short: "Add, revoke and list the public keys a tenant trusts to sign for it",
		Long: `A trusted key is an Ed25519 public key a tenant trusts: its app's (kind app),
which signs identity assertions for subjects the app authenticated, or an
authorized agent's request-signing key (kind agent), which may name a callback
URL for status updates.

Each addition and revocation is written to the audit log as done by the
operator, with the key's id, kind and fingerprint; never its name. The
tenant's admins do the same over the API (/v1/trusted-keys).`,
		Example: `  trustee trusted-keys add --tenant acme --id ios-2026 --kind app --name "iOS app" --public-key 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
  trustee trusted-keys list --tenant acme
  trustee trusted-keys revoke --tenant acme ios-2026`,
	}
	cmd.PersistentFlags().String("tenant", "", "the tenant whose trusted keys to work on (required)")
	cmd.AddCommand(newTrustedKeysAddCmd(e), newTrustedKeysRevokeCmd(e), newTrustedKeysListCmd(e))
	return cmd
}

var trustedKeyFlags = map[string]string{"id": "--id", "kind": "--kind", "name": "--name", "public_key": "--public-key", "callback_url": "--callback-url"}

func newTrustedKeysAddCmd(e *env) *cobra.Command {
	var id, kind, name, publicKey, callback string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --tenant T --id ID --kind app|agent --name N --public-key BASE64 [--callback-url U]",
		Short: "Add a public key the tenant trusts",
		Long: `Add an Ed25519 public key the tenant trusts. --public-key is the raw 32-byte
key in base64, standard or URL-safe, padded or not; not PEM. --callback-url
(agents only) is https, or http to a loopback host.`,
		Example: `  trustee trusted-keys add --tenant acme --id ios-2026 --kind app --name "iOS app" --public-key 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
  trustee trusted-keys add --tenant acme --id agent-cr --kind agent --name "Consumer agent" \
      --public-key 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo --callback-url https://agent.example/drp/status --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tenant, err := tenantFlag(cmd, "trusted keys")
			if err != nil {
				return err
			}
			switch {
			case id == "":
				return exitf(ExitBadInput, "--id is required: the key's id, unique in the tenant")
			case kind != store.TrustedKeyApp && kind != store.TrustedKeyAgent:
				return exitf(ExitBadInput, "--kind must be app or agent, not %q", kind)
			case name == "":
				return exitf(ExitBadInput, "--name is required: a label for staff, such as \"iOS app 2026\"")
			}
			pub, err := rights.DecodePublicKey(publicKey)
			if err != nil {
				return flagError(err, "trusted_key", trustedKeyFlags, "trusted key")
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				k, err := rights.CreateTrustedKey(cmd.Context(), v.Store(), operatorActor, store.TrustedKey{Tenant: tenant, ID: id, Kind: kind,
					Name: name, Algorithm: store.AlgorithmEd25519, PublicKey: pub, CallbackURL: callback})
				if err != nil {
					return flagError(err, "trusted_key", trustedKeyFlags, "trusted key "+id+" of tenant "+tenant)
				}
				if asJSON {
					return writeJSONOut(e, api.NewTrustedKeyOut(k))
				}
				fmt.Fprintf(e.stdout, "added %s key %s (%s, sha256 %s)\n", k.Kind, k.ID, k.Algorithm, rights.KeyFingerprint(k.PublicKey))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&id, "id", "", "the key's id, unique in the tenant (required)")
	cmd.Flags().StringVar(&kind, "kind", "", "app or agent (required)")
	cmd.Flags().StringVar(&name, "name", "", "a label for staff (required)")
	cmd.Flags().StringVar(&publicKey, "public-key", "", "the raw 32-byte Ed25519 public key in base64 (required)")
	cmd.Flags().StringVar(&callback, "callback-url", "", "agents only: where status callbacks go")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the key as JSON")
	return cmd
}

func newTrustedKeysRevokeCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "revoke --tenant T ID",
		Short:   "Revoke a trusted key: its signatures are no longer accepted",
		Long:    `Revoke a trusted key. Revoking a revoked key changes nothing and keeps its first revocation time.`,
		Example: `  trustee trusted-keys revoke --tenant acme ios-2026`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tenant, err := tenantFlag(cmd, "trusted keys")
			if err != nil {
				return err
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				k, err := rights.RevokeTrustedKey(cmd.Context(), v.Store(), operatorActor, tenant, args[0])
				if err != nil {
					return flagError(err, "trusted_key", map[string]string{"id": "ID"}, "trusted key "+args[0]+" of tenant "+tenant)
				}
				if asJSON {
					return writeJSONOut(e, api.NewTrustedKeyOut(k))
				}
				fmt.Fprintf(e.stdout, "revoked %s key %s at %s\n", k.Kind, k.ID, stamp(k.RevokedAt))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the key as JSON")
	return cmd
}

func newTrustedKeysListCmd(e *env) *cobra.Command {
	var kind string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list --tenant T [--kind app|agent] [--json]",
		Short: "List a tenant's trusted keys, revoked ones included",
		Example: `  trustee trusted-keys list --tenant acme
  trustee trusted-keys list --tenant acme --kind agent --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tenant, err := tenantFlag(cmd, "trusted keys")
			if err != nil {
				return err
			}
			if kind != "" && kind != store.TrustedKeyApp && kind != store.TrustedKeyAgent {
				return exitf(ExitBadInput, "--kind must be app or agent, not %q", kind)
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				ks, err := allTrustedKeys(cmd.Context(), v.Store(), tenant, kind)
				if err != nil {
					return storeError(err, "tenant "+tenant)
				}
				if asJSON {
					out := make([]api.TrustedKeyOut, 0, len(ks))
					for _, k := range ks {
						out = append(out, api.NewTrustedKeyOut(k))
					}
					return writeJSONOut(e, out)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tNAME\tALGORITHM\tCREATED\tREVOKED\tCALLBACK")
				for _, k := range ks {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Kind, k.Name, k.Algorithm, stamp(k.CreatedAt), stamp(k.RevokedAt), dash(k.CallbackURL))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only keys of this kind: app or agent")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func allTrustedKeys(ctx context.Context, st store.Store, tenant, kind string) ([]store.TrustedKey, error) {
	var out []store.TrustedKey
	err := st.Read(ctx, func(rd store.Reader) error {
		if _, err := rd.GetTenant(ctx, tenant); err != nil {
			return err
		}
		var err error
		out, err = store.AllPages(func(p store.Page) ([]store.TrustedKey, string, error) {
			return rd.ListTrustedKeys(ctx, tenant, kind, p)
		})
		return err
	})
	return out, err
}
