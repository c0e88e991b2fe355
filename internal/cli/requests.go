package cli

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/calendar"
	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

// staffActor names the member of staff acting through the CLI in audit
// entries.
const staffActor = "staff"

func newRequestsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "requests",
		Short: "Work on rights requests: record, verify, carry out, export, refuse, extend",
		Long: `Staff answer rights requests here. Every action is written to the audit log
as done by staff; the tenant's app does the same over the API (/v1/requests).`,
		Example: `  trustee requests list --tenant acme --state verified
  trustee requests show --tenant acme 0193c1c2-...
  trustee requests refuse --tenant acme 0193c1c2-... --reason manifestly_unfounded --explanation "..."`,
	}
	cmd.PersistentFlags().String("tenant", "", "the tenant whose requests to work on (required)")
	cmd.AddCommand(newRequestsListCmd(e), newRequestsShowCmd(e), newRequestsMoveCmd(e, "start"),
		newRequestsMoveCmd(e, "withdraw"), newRequestsRefuseCmd(e), newRequestsExtendCmd(e))
	for _, sub := range requestsSubcommands {
		cmd.AddCommand(sub(e))
	}
	return cmd
}

// requestsSubcommands are more requests commands, added from their own
// files.
var requestsSubcommands []func(*env) *cobra.Command

// withRights opens the vault and runs fn with a rights service over it, for
// the tenant of the --tenant flag.
func (e *env) withRights(cmd *cobra.Command, fn func(ctx context.Context, svc *rights.Service, v *vault.Vault, tenant string) error) error {
	tenant, _ := cmd.Flags().GetString("tenant")
	if tenant == "" {
		return exitf(ExitBadInput, "--tenant is required: the tenant whose requests to work on")
	}
	return e.withVault(cmd.Context(), func(v *vault.Vault) error {
		src := consent.NewStoreSource(v.Store())
		svc := &rights.Service{Store: v.Store(), Clock: e.clock, Declaration: src.ActiveDeclaration}
		return requestError(fn(cmd.Context(), svc, v, tenant))
	})
}

// requestError turns the rights package's errors into exit errors with a
// clear message.
func requestError(err error) error {
	var te *rights.TransitionError
	var re *rights.RefusalError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		return exitf(ExitFailure, "the request is %s and cannot move to %s", te.From, te.To)
	case errors.As(err, &re):
		return exitf(ExitBadInput, "--reason %s is not among the declaration's rights.refusals: use one of them", re.Reason)
	case errors.Is(err, rights.ErrNoExtension):
		return exitf(ExitFailure, "this deadline may not be extended: only GDPR's month and the CCPA's 45 days can be, once")
	case errors.Is(err, rights.ErrNoDecl), errors.Is(err, consent.ErrNoDeclaration):
		return exitf(ExitFailure, "the tenant has no active declaration: upload and activate one first")
	case errors.Is(err, calendar.ErrNotCovered):
		return exitf(ExitFailure, "the deadline falls in a year the working-day calendar has no data for: add that year's calendar")
	}
	return storeError(err, "request")
}

func newRequestsListCmd(e *env) *cobra.Command {
	var f store.RequestFilter
	var overdue, asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List a tenant's requests, by deadline",
		Example: `  trustee requests list --tenant acme
  trustee requests list --tenant acme --state in_progress --json
  trustee requests list --tenant acme --overdue`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withRights(cmd, func(ctx context.Context, svc *rights.Service, v *vault.Vault, tenant string) error {
				var list []store.Request
				var err error
				if overdue {
					list, err = svc.Overdue(ctx, tenant, e.clock.Now())
				} else {
					list, err = allRequests(ctx, v.Store(), tenant, f)
				}
				if err != nil {
					return err
				}
				rights.SortByDeadline(list)
				if asJSON {
					out := make([]requestJSON, 0, len(list))
					for _, r := range list {
						out = append(out, toRequestJSON(r))
					}
					return writeJSONOut(e, out)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tTYPE\tSTATE\tSUBJECT\tDUE\tRULE")
				for _, r := range list {
					j := toRequestJSON(r)
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Type, r.State, r.Subject, stamp(r.DueAt), j.RuleID)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&f.Subject, "subject", "", "only this subject's requests")
	cmd.Flags().StringVar(&f.Type, "type", "", "only requests of this type")
	cmd.Flags().StringVar(&f.State, "state", "", "only requests in this state")
	cmd.Flags().BoolVar(&overdue, "overdue", false, "only open requests past their deadline")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func allRequests(ctx context.Context, st store.Store, tenant string, f store.RequestFilter) ([]store.Request, error) {
	var out []store.Request
	err := st.Read(ctx, func(rd store.Reader) error {
		var err error
		out, err = store.AllPages(func(p store.Page) ([]store.Request, string, error) { return rd.ListRequests(ctx, tenant, f, p) })
		return err
	})
	return out, err
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// requestJSON is how the CLI prints a request: its facts and its detail.
type requestJSON struct {
	ID        string    `json:"id"`
	Subject   string    `json:"subject,omitempty"`
	Type      string    `json:"type"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	DueAt     time.Time `json:"due_at,omitzero"`
	rights.Detail
}

func toRequestJSON(r store.Request) requestJSON {
	d, _ := rights.DetailOf(r)
	return requestJSON{ID: r.ID, Subject: r.Subject, Type: r.Type, State: r.State,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, DueAt: r.DueAt, Detail: d}
}

func newRequestsShowCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID",
		Short:   "Show a request, its deadline and the rule behind it, as JSON",
		Example: `  trustee requests show --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withRights(cmd, func(ctx context.Context, _ *rights.Service, v *vault.Vault, tenant string) error {
				var r store.Request
				err := v.Store().Read(ctx, func(rd store.Reader) error {
					var err error
					r, err = rd.GetRequest(ctx, tenant, args[0])
					return err
				})
				if err != nil {
					return err
				}
				return writeJSONOut(e, toRequestJSON(r))
			})
		},
	}
}

func newRequestsMoveCmd(e *env, verb string) *cobra.Command {
	short := map[string]string{
		"start":    "Start work on a verified request",
		"withdraw": "Record that the subject withdrew a request",
	}[verb]
	return &cobra.Command{
		Use:     verb + " ID",
		Short:   short,
		Example: "  trustee requests " + verb + " --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withRights(cmd, func(ctx context.Context, svc *rights.Service, _ *vault.Vault, tenant string) error {
				var r store.Request
				var err error
				if verb == "start" {
					r, err = svc.Start(ctx, staffActor, tenant, args[0])
				} else {
					r, err = svc.Withdraw(ctx, staffActor, tenant, args[0])
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "request %s is %s\n", r.ID, r.State)
				return nil
			})
		},
	}
}

func newRequestsRefuseCmd(e *env) *cobra.Command {
	var reason, explanation string
	cmd := &cobra.Command{
		Use:   "refuse ID --reason R [--explanation TEXT]",
		Short: "Refuse a request for a reason the declaration lists",
		Long: `Refuse a request. The reason must be one of the active declaration's
rights.refusals; the subject is told its explanation (English and Chinese)
and yours. The audit log records the reason code, never the explanation.`,
		Example: `  trustee requests refuse --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60 --reason repeated_requests`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return exitf(ExitBadInput, "--reason is required: one of the declaration's rights.refusals")
			}
			return e.withRights(cmd, func(ctx context.Context, svc *rights.Service, _ *vault.Vault, tenant string) error {
				r, err := svc.Refuse(ctx, staffActor, tenant, args[0], reason, explanation)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "request %s is %s (%s)\n", r.ID, r.State, reason)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "a refusal reason of the declaration (required)")
	cmd.Flags().StringVar(&explanation, "explanation", "", "your explanation to the subject")
	return cmd
}

func newRequestsExtendCmd(e *env) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "extend ID --reason TEXT",
		Short: "Extend a request's deadline where the law allows it",
		Long: `Extend a request's deadline once, where the law allows it: GDPR's month by two
more months, the CCPA's 45 days by 45 more. The reason is what the subject is
told; it is kept with the request, never in the audit log.`,
		Example: `  trustee requests extend --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60 --reason "the export spans ten systems"`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return exitf(ExitBadInput, "--reason is required: why more time is needed, as the subject will be told")
			}
			return e.withRights(cmd, func(ctx context.Context, svc *rights.Service, _ *vault.Vault, tenant string) error {
				r, err := svc.Extend(ctx, staffActor, tenant, args[0], reason)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "request %s is now due %s\n", r.ID, stamp(r.DueAt))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why more time is needed (required)")
	return cmd
}
