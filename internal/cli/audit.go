package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/vault"
)

func newAuditCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Verify and checkpoint the tamper-evident audit log",
		Long: `Every change trustee makes, and every read of personal data, appends an
entry to the audit log in the same transaction. The entries are the leaves
of a Merkle tree; signed checkpoints of the tree (C2SP signed notes) make
any later edit, deletion or reordering detectable.`,
		Example: `  trustee audit verify
  trustee audit checkpoint
  trustee audit key`,
	}
	cmd.AddCommand(newAuditVerifyCmd(e), newAuditCheckpointCmd(e), newAuditKeyCmd(e))
	return cmd
}

func newAuditVerifyCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Re-check the whole audit log and report the first problem",
		Long: `Verify reads every audit entry once and checks that each is in its place
(no gap: nothing removed; no repeat: nothing reordered), that each still
hashes to the leaf hash stored when it was written (nothing altered), and
that every signed checkpoint's signature and Merkle root hold (nothing
altered and re-hashed). It reports the first problem: its kind (altered,
removed, reordered, truncated, bad_signature, root_mismatch) and the
sequence number where it lies. Entries hold ids and hashes only, so the
report holds no personal data.

Exit status: 0 the log verifies, 1 a problem was found (or the log could
not be read), 2 bad usage.`,
		Example: `  trustee audit verify
  trustee audit verify --json | jq .problem
  trustee --database postgres://trustee@db/trustee audit verify`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				rep, err := v.Verify(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					if err := writeJSONOut(e, rep); err != nil {
						return err
					}
				} else {
					fmt.Fprintln(e.stdout, rep.String())
				}
				if !rep.OK {
					return &ExitError{Code: ExitFailure}
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func newAuditCheckpointCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "Sign a checkpoint of the audit log and print it",
		Long: `Checkpoint computes the Merkle root of the whole audit log, signs it with the
audit key (an Ed25519 key kept beside the root key) as a C2SP
tlog-checkpoint signed note, stores it and prints it. Publish or archive the
printed note outside trustee: with the verifier key ("trustee audit key")
anyone can later prove that the log still holds what the checkpoint
vouches for.

Nothing is signed when the log has not grown since the latest checkpoint
(that one is printed again), and nothing is signed over tampering the
command can see (exit 1).`,
		Example: `  trustee audit checkpoint
  trustee audit checkpoint --json
  trustee audit checkpoint >> checkpoints.txt   # e.g. hourly, from cron`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				c, err := v.Checkpoint(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSONOut(e, struct {
						Size int64     `json:"size"`
						At   time.Time `json:"at,omitzero"`
						Note string    `json:"note,omitempty"`
					}{c.Size, c.At, string(c.Note)})
				}
				if c.Size == 0 {
					fmt.Fprintln(e.stderr, "the audit log is empty: nothing to sign")
					return nil
				}
				_, err = e.stdout.Write(c.Note)
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the checkpoint as JSON")
	return cmd
}

func newAuditKeyCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "Print the verifier key of the audit log's checkpoints",
		Long: `Key prints the public verifier key of the audit log's checkpoints, in the
signed-note encoding (<origin>+<hash>+<key>). Give it to auditors: with it
they check checkpoints without access to trustee's secrets. It is public.`,
		Example: `  trustee audit key > audit.vkey`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.withVault(cmd.Context(), func(v *vault.Vault) error {
				_, err := fmt.Fprintln(e.stdout, v.VerifierKey())
				return err
			})
		},
	}
}
