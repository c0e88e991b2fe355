package cli

import (
	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"
)

func newConfigCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "config",
		Short:   "Inspect trustee's configuration",
		Example: "  trustee config show",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration, secrets redacted",
		Long: `Print the configuration trustee would run with, after defaults, the config
file (--config or TRUSTEE_CONFIG), TRUSTEE_* environment variables and flags.
Passwords and tokens in URLs are shown as REDACTED.`,
		Example: `  trustee config show
  TRUSTEE_DATABASE=postgres://app:secret@db/trustee trustee config show`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out, err := yaml.Marshal(e.cfg.Redacted())
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(out)
			return err
		},
	})
	return cmd
}
