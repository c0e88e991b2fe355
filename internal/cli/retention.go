package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/retention"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// retentionActor names the operator running a sweep from the CLI in audit
// entries.
const retentionActor = "staff:retention-run"

func newRetentionCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "retention",
		Short: "Plan and run the retention rules of the tenants' active declarations",
		Long: `The retention rules of each tenant's active declaration say when records are
deleted or anonymized. trustee serve sweeps them every minute on the leading
node; these commands let an operator see what a sweep would do at a given date
(plan, which changes nothing) and run one now (run).

Rules triggered by collection, account cancellation (from the end of the
cooling-off) and consent withdrawal are evaluated; rules whose trigger has no
stored event yet (last_activity, device_unbound, service_terminated,
contract_ended, purpose_fulfilled) are listed as not evaluable and delete
nothing. Active legal holds keep what they cover.`,
		Example: `  trustee retention plan --at 2026-12-01
  trustee retention plan --tenant acme --json
  trustee retention run --tenant acme`,
	}
	cmd.PersistentFlags().String("tenant", "", "one tenant; default every tenant with an active declaration")
	cmd.PersistentFlags().String("at", "", "the date (YYYY-MM-DD, start of day UTC) or RFC 3339 time to evaluate at; default now")
	cmd.AddCommand(newRetentionPlanCmd(e), newRetentionRunCmd(e))
	return cmd
}

// retentionAt parses --at.
func retentionAt(cmd *cobra.Command, now time.Time) (time.Time, error) {
	s, _ := cmd.Flags().GetString("at")
	if s == "" {
		return now, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, exitf(ExitBadInput, "--at %q: want a date (2026-12-01) or an RFC 3339 time (2026-12-01T08:00:00Z)", s)
}

// tenantDecl is a tenant and its active declaration.
type tenantDecl struct {
	tenant string
	decl   *policy.Declaration
}

// retentionTenants returns --tenant with its active declaration (an error
// when it has none), or every tenant that has one.
func retentionTenants(ctx context.Context, cmd *cobra.Command, v *vault.Vault) ([]tenantDecl, error) {
	src := consent.NewStoreSource(v.Store())
	one, _ := cmd.Flags().GetString("tenant")
	if one != "" {
		d, err := src.ActiveDeclaration(ctx, one)
		if noDeclaration(err) {
			return nil, exitf(ExitFailure, "tenant %s has no active declaration (or does not exist): nothing to plan", one)
		}
		if err != nil {
			return nil, storeError(err, "tenant "+one)
		}
		return []tenantDecl{{one, d}}, nil
	}
	var tenants []store.Tenant
	err := v.Store().Read(ctx, func(rd store.Reader) error {
		var err error
		tenants, err = store.AllPages(func(p store.Page) ([]store.Tenant, string, error) { return rd.ListTenants(ctx, p) })
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []tenantDecl
	for _, t := range tenants {
		d, err := src.ActiveDeclaration(ctx, t.ID)
		if noDeclaration(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("tenant %s: %w", t.ID, err)
		}
		out = append(out, tenantDecl{t.ID, d})
	}
	return out, nil
}

// noDeclaration reports whether err says a tenant has no active
// declaration.
func noDeclaration(err error) bool {
	return errors.Is(err, store.ErrNotFound) || errors.Is(err, consent.ErrNoDeclaration)
}

// planOut is one tenant's plan, as --json prints it.
type planOut struct {
	Tenant string           `json:"tenant"`
	At     time.Time        `json:"at"`
	Items  []retention.Item `json:"items"`
}

func newRetentionPlanCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "plan [--at DATE] [--tenant T] [--json]",
		Short: "List what the retention rules make due at a date, changing nothing",
		Long: `List, per tenant, rule, subject and field, the records the retention rules
make due at --at: due (a sweep deletes them), held (an active legal hold keeps
them, with the holds' ids), skipped (the action cannot be carried out, with
why) and the rules that are not evaluable yet. Nothing is changed or audited.
--json prints the record ids too.`,
		Example: `  trustee retention plan --at 2026-12-01
  trustee retention plan --tenant acme --at 2026-12-01T08:00:00Z --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			at, err := retentionAt(cmd, e.clock.Now())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			return e.withVault(ctx, func(v *vault.Vault) error {
				tds, err := retentionTenants(ctx, cmd, v)
				if err != nil {
					return err
				}
				plans := make([]planOut, 0, len(tds))
				for _, td := range tds {
					items, err := retention.Plan(ctx, v.Store(), td.decl, td.tenant, at)
					if err != nil {
						return err
					}
					plans = append(plans, planOut{Tenant: td.tenant, At: at, Items: items})
				}
				if asJSON {
					return writeJSONOut(e, plans)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "TENANT\tRULE\tTRIGGER\tACTION\tSTATUS\tSUBJECT\tFIELD\tRECORDS\tDUE\tNOTE")
				for _, p := range plans {
					for _, it := range p.Items {
						action := it.Action
						if it.Strategy != "" {
							action += ":" + it.Strategy
						}
						due := "-"
						if !it.DueAt.IsZero() {
							due = it.DueAt.UTC().Format(time.RFC3339)
						}
						note := it.Reason
						if len(it.Holds) > 0 {
							note += fmt.Sprintf(" (holds %v)", it.Holds)
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", p.Tenant, it.Rule, it.Trigger, action, it.Status,
							dash(it.Subject), dash(it.Field), it.Count, due, dash(note))
					}
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plans as JSON, record ids included")
	return cmd
}

func newRetentionRunCmd(e *env) *cobra.Command {
	var batch int
	cmd := &cobra.Command{
		Use:   "run [--tenant T] [--at DATE] [--batch N]",
		Short: "Delete now what the retention rules make due",
		Long: `Delete the records the retention rules make due at --at (default now), in
batches of --batch records, each its own transaction audited per subject as
"record.delete" with the rule. A progress line is printed after each batch.
A run stopped halfway is carried on by the next; a second run deletes nothing
more. Held and skipped records are kept and counted.`,
		Example: `  trustee retention run
  trustee retention run --tenant acme --at 2026-12-01 --batch 1000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			at, err := retentionAt(cmd, e.clock.Now())
			if err != nil {
				return err
			}
			if batch < 1 || batch > 100_000 {
				return exitf(ExitBadInput, "--batch %d: want 1 to 100000 records per transaction", batch)
			}
			ctx := cmd.Context()
			return e.withVault(ctx, func(v *vault.Vault) error {
				tds, err := retentionTenants(ctx, cmd, v)
				if err != nil {
					return err
				}
				for _, td := range tds {
					s := &retention.Sweeper{Vault: v, Actor: retentionActor, Batch: batch, Progress: func(p retention.Progress) {
						fmt.Fprintf(e.stderr, "%s: %d/%d records handled, %d deleted\n", p.Tenant, p.Done, p.Total, p.Deleted)
					}}
					res, err := s.Run(ctx, td.decl, td.tenant, at)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "%s: deleted %d, held %d, skipped %d, rules not evaluable %d\n",
						td.tenant, res.Deleted, res.Held, res.Skipped, len(res.NotEvaluable))
				}
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&batch, "batch", retention.DefaultBatch, "records deleted per transaction")
	return cmd
}
