package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/api"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// operatorActor names the operator in audit entries of CLI commands.
const operatorActor = "operator"

// withVault opens the configured vault (creating the embedded default on
// first use), runs fn and closes it.
func (e *env) withVault(ctx context.Context, fn func(*vault.Vault) error) error {
	o := vault.OptionsFromConfig(e.cfg)
	o.Log = e.log
	v, err := vault.Open(ctx, o)
	if err != nil {
		return fmt.Errorf("open the vault: %w", err)
	}
	err = fn(v)
	if cerr := v.Close(); err == nil {
		err = cerr
	}
	return err
}

// storeError turns a store error into an exit error with a clear message.
func storeError(err error, what string) error {
	var ie *store.InvalidError
	switch {
	case errors.As(err, &ie):
		return exitf(ExitBadInput, "invalid %s: %s", ie.Field, ie.Reason)
	case errors.Is(err, store.ErrConflict):
		return exitf(ExitFailure, "%s exists already", what)
	case errors.Is(err, store.ErrNotFound):
		return exitf(ExitFailure, "%s: not found", what)
	}
	return err
}

func newTenantsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "tenants",
		Short:   "Manage tenants: the companies or apps trustee serves",
		Example: `  trustee tenants create acme --name "Acme Ltd." --kind controller`,
	}
	cmd.AddCommand(newTenantsCreateCmd(e))
	return cmd
}

func newTenantsCreateCmd(e *env) *cobra.Command {
	var name, kind string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "create ID",
		Short: "Create a tenant and its keys",
		Long: `Create a tenant: a controller (a company or app that decides why personal
information is processed) or a processor (an entrusted party, such as an SDK
vendor, that processes it for controllers). Its encryption keys are made with
it. The creation is written to the audit log as done by the operator.

ID is the tenant's stable id (letters, digits, dot, underscore, hyphen); it is
never reused. Then create the tenant's first API key with trustee keys create.`,
		Example: `  trustee tenants create acme --name "Acme Ltd." --kind controller
  trustee tenants create sdk-vendor --name "SDK Vendor" --kind processor --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if kind != string(store.KindController) && kind != string(store.KindProcessor) {
				return exitf(ExitBadInput, "--kind must be controller or processor, not %q", kind)
			}
			if name == "" {
				return exitf(ExitBadInput, "--name is required: the tenant's display name")
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				t, err := v.CreateTenant(cmd.Context(), operatorActor, store.Tenant{ID: args[0], Name: name, Kind: store.TenantKind(kind)})
				if err != nil {
					return storeError(err, "tenant "+args[0])
				}
				if asJSON {
					return writeJSONOut(e, map[string]any{"id": t.ID, "name": t.Name, "kind": t.Kind, "created_at": t.CreatedAt.Format(time.RFC3339)})
				}
				fmt.Fprintf(e.stdout, "created tenant %s (%s)\n", t.ID, t.Kind)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the tenant's display name (required)")
	cmd.Flags().StringVar(&kind, "kind", string(store.KindController), "controller or processor")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the tenant as JSON")
	return cmd
}

func newKeysCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "keys",
		Short:   "Manage API keys",
		Example: `  trustee keys create --tenant acme --name "acme admin" --scopes admin,collect,consent`,
	}
	cmd.AddCommand(newKeysCreateCmd(e))
	return cmd
}

func newKeysCreateCmd(e *env) *cobra.Command {
	var tenant, name string
	var scopes []string
	var operator, asJSON bool
	cmd := &cobra.Command{
		Use:   "create (--tenant T | --operator) --name N --scopes S,...",
		Short: "Create an API key and print its token, once",
		Long: `Create an API key for a tenant, or an instance operator key (--operator)
that may create tenants over the API. The token is printed once, on standard
output: trustee keeps only a hash of its secret, so store it now (in a secret
manager); a lost token cannot be recovered, only replaced.

Scopes: collect (records, decisions), consent (subjects, consent, permissions,
guardians), requests (rights requests), admin (tenants, keys, declarations),
audit (read the audit log). The creation is audited as done by the operator.`,
		Example: `  # the first key of a tenant, for its administrators
  trustee keys create --tenant acme --name "acme admin" --scopes admin,collect,consent

  # an operator key, to create tenants over the API
  trustee keys create --operator --name "ops" --scopes admin --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if operator == (tenant != "") {
				return exitf(ExitBadInput, "give exactly one of --tenant T and --operator")
			}
			if name == "" {
				return exitf(ExitBadInput, "--name is required: say what the key is for")
			}
			if len(scopes) == 0 {
				return exitf(ExitBadInput, "--scopes is required: some of %s", strings.Join(api.AllScopes, ","))
			}
			for _, s := range scopes {
				if !slices.Contains(api.AllScopes, s) {
					return exitf(ExitBadInput, "unknown scope %q: use %s", s, strings.Join(api.AllScopes, ","))
				}
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				k, token, err := api.CreateKey(cmd.Context(), v.Store(), operatorActor, tenant, name, scopes)
				if err != nil {
					what := "tenant " + tenant
					if operator {
						what = "key"
					}
					return storeError(err, what)
				}
				fmt.Fprintln(e.stderr, "trustee: the token is shown only this once; store it now, it cannot be recovered")
				if asJSON {
					return writeJSONOut(e, map[string]any{"id": k.ID, "tenant": k.Tenant, "name": k.Name, "scopes": k.Scopes,
						"token": token, "created_at": k.CreatedAt.Format(time.RFC3339)})
				}
				fmt.Fprintln(e.stdout, token)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&tenant, "tenant", "", "the tenant the key acts for")
	cmd.Flags().BoolVar(&operator, "operator", false, "make an instance operator key instead of a tenant's")
	cmd.Flags().StringVar(&name, "name", "", "what the key is for (required)")
	cmd.Flags().StringSliceVar(&scopes, "scopes", nil, "comma-separated scopes: "+strings.Join(api.AllScopes, ","))
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the key and its token as JSON")
	return cmd
}

func writeJSONOut(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
