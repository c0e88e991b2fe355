package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/api"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

func newHoldsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "holds",
		Short: "Place, release and list legal holds, which suspend deletion",
		Long: `A legal hold suspends the deletion of what it covers — the whole tenant, one
subject or one data category — while it is active: retention sweeps and
erasure requests leave that data stored, and only storage and the necessary
security measures continue (PIPL Art. 47; GDPR Art. 17(3)(e), 18(2)).

Each placement and release is written to the audit log as done by staff, with
the hold's id, scope and target; the reason is kept for staff and never
audited or logged. The tenant's admins do the same over the API (/v1/holds).`,
		Example: `  trustee holds place --tenant acme --scope subject --target user-42 --reason "court case 2026-17"
  trustee holds list --tenant acme --active
  trustee holds release --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60`,
	}
	cmd.PersistentFlags().String("tenant", "", "the tenant whose holds to work on (required)")
	cmd.AddCommand(newHoldsPlaceCmd(e), newHoldsReleaseCmd(e), newHoldsListCmd(e))
	return cmd
}

// tenantFlag returns the --tenant flag, which is required.
func tenantFlag(cmd *cobra.Command, what string) (string, error) {
	tenant, _ := cmd.Flags().GetString("tenant")
	if tenant == "" {
		return "", exitf(ExitBadInput, "--tenant is required: the tenant whose %s to work on", what)
	}
	return tenant, nil
}

// flagError names, in a store's *store.InvalidError on an entity's field
// ("hold.reason"), the flag the field came from (--reason) and exits 2;
// other errors go to storeError with what.
func flagError(err error, entity string, flags map[string]string, what string) error {
	var ie *store.InvalidError
	if errors.As(err, &ie) {
		if f, ok := flags[strings.TrimPrefix(ie.Field, entity+".")]; ok {
			return exitf(ExitBadInput, "%s: %s", f, ie.Reason)
		}
	}
	return storeError(err, what)
}

var holdFlags = map[string]string{"scope": "--scope", "target": "--target", "reason": "--reason", "id": "ID"}

func newHoldsPlaceCmd(e *env) *cobra.Command {
	var scope, target, reason string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "place --tenant T --scope tenant|subject|category [--target ID] --reason TEXT",
		Short: "Place a legal hold: what it covers is not deleted until it is released",
		Long: `Place a legal hold on the whole tenant (--scope tenant, no --target), one
subject (--scope subject --target SUBJECT-ID; the subject must exist) or one
data category (--scope category --target CATEGORY-ID, such as financial). The
hold's id, a new UUID, is printed.

--reason says why (a case number, a regulator's order): it is kept for staff
and never written to the audit log or the logs.`,
		Example: `  trustee holds place --tenant acme --scope subject --target user-42 --reason "court case 2026-17"
  trustee holds place --tenant acme --scope category --target financial --reason "tax audit 2026" --json
  trustee holds place --tenant acme --scope tenant --reason "regulator's order 12"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tenant, err := tenantFlag(cmd, "holds")
			if err != nil {
				return err
			}
			switch scope {
			case store.HoldTenant, store.HoldSubject, store.HoldCategory:
			default:
				return exitf(ExitBadInput, "--scope must be tenant, subject or category, not %q", scope)
			}
			if reason == "" {
				return exitf(ExitBadInput, "--reason is required: say why the hold is placed (a case number, a regulator's order)")
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				h, err := rights.PlaceHold(cmd.Context(), v.Store(), staffActor, store.Hold{Tenant: tenant, Scope: scope, Target: target, Reason: reason})
				if errors.Is(err, store.ErrNotFound) {
					if scope == store.HoldSubject {
						return exitf(ExitFailure, "tenant %s or its subject %s (--target): not found", tenant, target)
					}
					return exitf(ExitFailure, "tenant %s: not found", tenant)
				}
				if err != nil {
					return flagError(err, "hold", holdFlags, "hold")
				}
				if asJSON {
					return writeJSONOut(e, api.NewHoldOut(h))
				}
				fmt.Fprintf(e.stdout, "placed hold %s (%s)\n", h.ID, holdWhat(h))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&scope, "scope", "", "what the hold covers: tenant, subject or category (required)")
	cmd.Flags().StringVar(&target, "target", "", "the subject id or category id; none for --scope tenant")
	cmd.Flags().StringVar(&reason, "reason", "", "why the hold is placed; kept for staff, never audited (required)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the hold as JSON")
	return cmd
}

// holdWhat describes what a hold covers: "subject user-42".
func holdWhat(h store.Hold) string {
	if h.Target == "" {
		return h.Scope
	}
	return h.Scope + " " + h.Target
}

func newHoldsReleaseCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "release --tenant T ID",
		Short: "Release a legal hold: the deletion it suspended resumes",
		Long: `Release a hold. The deletion it suspended resumes, unless another active hold
covers the same data. A hold is released once: releasing it again fails and
the first release stands.`,
		Example: `  trustee holds release --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tenant, err := tenantFlag(cmd, "holds")
			if err != nil {
				return err
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				h, err := rights.ReleaseHold(cmd.Context(), v.Store(), staffActor, tenant, args[0])
				switch {
				case errors.Is(err, rights.ErrHoldReleased):
					return exitf(ExitFailure, "hold %s was released already; the first release stands", args[0])
				case err != nil:
					return flagError(err, "hold", holdFlags, "hold "+args[0]+" of tenant "+tenant)
				}
				if asJSON {
					return writeJSONOut(e, api.NewHoldOut(h))
				}
				fmt.Fprintf(e.stdout, "released hold %s (%s)\n", h.ID, holdWhat(h))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the hold as JSON")
	return cmd
}

func newHoldsListCmd(e *env) *cobra.Command {
	var f store.HoldFilter
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list --tenant T [--active] [--scope S [--target ID]]",
		Short: "List a tenant's legal holds",
		Example: `  trustee holds list --tenant acme
  trustee holds list --tenant acme --active --json
  trustee holds list --tenant acme --scope subject --target user-42`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tenant, err := tenantFlag(cmd, "holds")
			if err != nil {
				return err
			}
			if f.Target != "" && f.Scope == "" {
				return exitf(ExitBadInput, "--target needs --scope: a subject and a category may share an id")
			}
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				holds, err := allHolds(cmd.Context(), v.Store(), tenant, f)
				if err != nil {
					return flagError(err, "filter", holdFlags, "tenant "+tenant)
				}
				if asJSON {
					out := make([]api.HoldOut, 0, len(holds))
					for _, h := range holds {
						out = append(out, api.NewHoldOut(h))
					}
					return writeJSONOut(e, out)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSCOPE\tTARGET\tPLACED\tBY\tRELEASED\tREASON")
				for _, h := range holds {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", h.ID, h.Scope, dash(h.Target), stamp(h.PlacedAt), h.PlacedBy, stamp(h.ReleasedAt), h.Reason)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&f.ActiveOnly, "active", false, "only holds not released")
	cmd.Flags().StringVar(&f.Scope, "scope", "", "only holds of this scope: tenant, subject or category")
	cmd.Flags().StringVar(&f.Target, "target", "", "only holds on this subject or category (needs --scope)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// dash is s, or "-" when s is empty, for tables.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func allHolds(ctx context.Context, st store.Store, tenant string, f store.HoldFilter) ([]store.Hold, error) {
	var out []store.Hold
	err := st.Read(ctx, func(rd store.Reader) error {
		if _, err := rd.GetTenant(ctx, tenant); err != nil {
			return err
		}
		var err error
		out, err = store.AllPages(func(p store.Page) ([]store.Hold, string, error) { return rd.ListHolds(ctx, tenant, f, p) })
		return err
	})
	return out, err
}
