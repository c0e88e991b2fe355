package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/consent"
	"github.com/trustee-dev/trustee/internal/export"
	"github.com/trustee-dev/trustee/internal/rights"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/vault"
)

func init() {
	requestsSubcommands = append(requestsSubcommands, newRequestsCreateCmd, newRequestsVerifyCmd, newRequestsFulfilCmd, newRequestsExportCmd)
}

// staffVerifications are the ways staff verify a requester themselves:
// the declaration must list the one used.
var staffVerifications = []string{"account_login", "written_request", "developer_confirmation"}

func newRequestsCreateCmd(e *env) *cobra.Command {
	var subject, typ, channel string
	cmd := &cobra.Command{
		Use:   "create --subject S --type T [--channel C]",
		Short: "Record a request received by staff (phone, e-mail, letter)",
		Long: `Record a rights request that reached staff outside the app: by phone, e-mail or
letter. Its deadline is set as for any request: at once, or when identity is
verified if the declaration counts from verification.`,
		Example: `  trustee requests create --tenant acme --subject u-1001 --type access --channel email`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if subject == "" || typ == "" {
				return exitf(ExitBadInput, "--subject and --type are required")
			}
			if !rights.ValidType(typ) {
				return exitf(ExitBadInput, "--type %q is not a request type: one of %v", typ, rights.Types)
			}
			return e.withRights(cmd, func(ctx context.Context, svc *rights.Service, v *vault.Vault, tenant string) error {
				if err := v.Store().Read(ctx, func(r store.Reader) error {
					_, err := r.GetSubject(ctx, tenant, subject)
					return err
				}); err != nil {
					return storeError(err, "subject "+subject)
				}
				r, err := svc.Create(ctx, staffActor, tenant, subject, typ, channel)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "request %s is %s\n", r.ID, r.State)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&subject, "subject", "", "the subject the request concerns (required)")
	cmd.Flags().StringVar(&typ, "type", "", "the right exercised: access, delete, ... (required)")
	cmd.Flags().StringVar(&channel, "channel", "staff", "the declared channel it came through")
	return cmd
}

func newRequestsVerifyCmd(e *env) *cobra.Command {
	var method string
	cmd := &cobra.Command{
		Use:   "verify ID --method M",
		Short: "Record that staff verified the requester's identity",
		Long: `Record that staff verified the requester themselves, by a method the
declaration lists in rights.verification: account_login (the subject was
logged in), written_request (a signed letter) or developer_confirmation (the
controller confirmed it). The deadline then starts when the declaration
counts from verification. One-time codes and app assertions go through the
API.`,
		Example: `  trustee requests verify --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60 --method written_request`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(staffVerifications, method) {
				return exitf(ExitBadInput, "--method must be one of %v", staffVerifications)
			}
			return e.withRights(cmd, func(ctx context.Context, svc *rights.Service, v *vault.Vault, tenant string) error {
				if err := svc.CheckMethod(ctx, tenant, method); err != nil {
					return exitf(ExitBadInput, "--method %s is not among the declaration's rights.verification", method)
				}
				r, err := readRequest(ctx, v.Store(), tenant, args[0])
				if err != nil {
					return err
				}
				if r.State == rights.StateReceived {
					if _, err := svc.StartVerification(ctx, staffActor, tenant, r.ID); err != nil {
						return err
					}
				}
				r, err = svc.Verified(ctx, staffActor, tenant, r.ID, time.Time{})
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "request %s is %s, due %s (%s)\n", r.ID, r.State, stamp(r.DueAt), toRequestJSON(r).RuleID)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&method, "method", "", "how staff verified the requester (required)")
	return cmd
}

func readRequest(ctx context.Context, st store.Store, tenant, id string) (store.Request, error) {
	var r store.Request
	err := st.Read(ctx, func(rd store.Reader) error {
		var err error
		r, err = rd.GetRequest(ctx, tenant, id)
		return err
	})
	return r, err
}

// withFulfiller is withRights with a Fulfiller over the vault.
func (e *env) withFulfiller(cmd *cobra.Command, fn func(ctx context.Context, f *rights.Fulfiller, tenant string) error) error {
	return e.withRights(cmd, func(ctx context.Context, svc *rights.Service, v *vault.Vault, tenant string) error {
		src := consent.NewStoreSource(v.Store())
		ledger := &consent.Ledger{Store: v.Store(), Source: src, Engine: consent.NewEngine(src)}
		return fn(ctx, &rights.Fulfiller{Service: svc, Vault: v, Ledger: ledger}, tenant)
	})
}

func newRequestsFulfilCmd(e *env) *cobra.Command {
	var purposes []string
	var review rights.Review
	cmd := &cobra.Command{
		Use:   "fulfil ID",
		Short: "Carry out a verified request",
		Long: `Carry out a verified request and mark it fulfilled: delete crypto-shreds the
subject (unless a legal hold applies: then processing stops except storage,
PIPL Art. 47); restrict and object restrict processing; withdraw_consent
withdraws every consent, or --purpose ones; adm_review records a human
review (--decision, --outcome, --reason, --note); cancel_account cancels the
account and deletes it when the cooling-off ends. Access, copy and
portability are answered with trustee requests export; corrections, which
carry values, through the API.`,
		Example: `  trustee requests fulfil --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60
  trustee requests fulfil --tenant acme 0193c1c2-... --decision credit-score --outcome changed --reason data_error`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withFulfiller(cmd, func(ctx context.Context, f *rights.Fulfiller, tenant string) error {
				r, err := readRequest(ctx, f.Store, tenant, args[0])
				if err != nil {
					return err
				}
				switch r.Type {
				case rights.TypeDelete:
					r, err = f.FulfilDelete(ctx, staffActor, tenant, r.ID)
				case rights.TypeRestrict, rights.TypeObject:
					r, err = f.FulfilRestrict(ctx, staffActor, tenant, r.ID)
				case rights.TypeWithdrawConsent:
					r, err = f.FulfilWithdrawConsent(ctx, staffActor, tenant, r.ID, purposes)
				case rights.TypeADMReview:
					if review.Decision == "" || review.Outcome == "" || review.Reason == "" {
						return exitf(ExitBadInput, "--decision, --outcome (upheld or changed) and --reason are required for an adm_review request")
					}
					r, err = f.FulfilReview(ctx, staffActor, tenant, r.ID, review)
				case rights.TypeCancelAccount:
					r, err = f.CancelAccount(ctx, staffActor, tenant, r.ID)
				default:
					return exitf(ExitBadInput, "a %s request is answered with trustee requests export or through the API", r.Type)
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "request %s is %s\n", r.ID, r.State)
				return nil
			})
		},
	}
	cmd.Flags().StringSliceVar(&purposes, "purpose", nil, "withdraw_consent: a purpose to withdraw (repeatable; default all)")
	cmd.Flags().StringVar(&review.Decision, "decision", "", "adm_review: the automated decision reviewed")
	cmd.Flags().StringVar(&review.Outcome, "outcome", "", "adm_review: upheld or changed")
	cmd.Flags().StringVar(&review.Reason, "reason", "", "adm_review: a code for why")
	cmd.Flags().StringVar(&review.Note, "note", "", "adm_review: the reviewer's explanation to the subject")
	return cmd
}

func newRequestsExportCmd(e *env) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "export ID --out FILE [--format json|csv|zip]",
		Short: "Write the subject's data for an access, copy or portability request",
		Long: `Write everything held about the request's subject, decrypted under an audited
rights_request read, to FILE (created, never overwritten), then mark the
request fulfilled. Send the file to the subject by a secure channel.`,
		Example: `  trustee requests export --tenant acme 0193c1c2-7d2e-7a61-9a3f-1b2c3d4e5f60 --format zip --out alice.zip`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return exitf(ExitBadInput, "--out is required: the file to write")
			}
			if format != "json" && format != "csv" && format != "zip" {
				return exitf(ExitBadInput, "--format must be json, csv or zip, not %q", format)
			}
			return e.withFulfiller(cmd, func(ctx context.Context, f *rights.Fulfiller, tenant string) error {
				r, err := readRequest(ctx, f.Store, tenant, args[0])
				if err != nil {
					return err
				}
				if r.Type != rights.TypeAccess && r.Type != rights.TypeCopy && r.Type != rights.TypePortability {
					return exitf(ExitBadInput, "a %s request receives no export", r.Type)
				}
				if r.State != rights.StateVerified && r.State != rights.StateInProgress {
					return exitf(ExitFailure, "the request is %s: verify the requester first", r.State)
				}
				d, err := f.Declaration(ctx, tenant)
				if err != nil {
					return err
				}
				x, err := export.Build(ctx, f.Vault, d, staffActor, tenant, r.Subject)
				if err != nil {
					return err
				}
				file, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					return exitf(ExitBadInput, "--out: %v", err)
				}
				switch format {
				case "csv":
					err = x.WriteCSV(file)
				case "zip":
					err = x.WriteZIP(ctx, file, f.Vault)
				default:
					err = x.WriteJSON(file)
				}
				fi, serr := file.Stat()
				if cerr := file.Close(); err == nil {
					err = cerr
				}
				if err == nil {
					err = serr
				}
				if err != nil {
					os.Remove(out)
					return err
				}
				if r, err = f.FulfilExport(ctx, staffActor, tenant, r.ID, rights.Export{Format: format, Bytes: fi.Size()}); err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "wrote %s (%d bytes); request %s is %s\n", out, fi.Size(), r.ID, r.State)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "zip", "json, csv or zip")
	cmd.Flags().StringVar(&out, "out", "", "the file to write (required)")
	return cmd
}
