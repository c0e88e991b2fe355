// Package cli is trustee's command line: one cobra command per operation an
// operator, a privacy officer or an auditor needs.
//
// # Exit codes
//
//	0  success
//	1  findings (lint), a failed verification (audit verify), or an error
//	2  unreadable or invalid input, or a usage error
//	3  policy diff found a major change
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/config"
)

// Exit codes scripts can rely on.
const (
	ExitOK       = 0
	ExitFailure  = 1
	ExitBadInput = 2
	ExitMajor    = 3
)

// ExitError carries an exit code; its message, when not empty, is printed.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// exitf returns an ExitError with a formatted message.
func exitf(code int, format string, args ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, args...)}
}

// ExitCode prints err (if any) to stderr and returns the process exit code.
func ExitCode(err error, stderr io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintln(stderr, "trustee:", ee.Err)
		}
		return ee.Code
	}
	if errors.Is(err, context.Canceled) {
		return ExitFailure
	}
	fmt.Fprintln(stderr, "trustee:", err)
	return ExitFailure
}

// env is what every command gets: streams, the environment, the clock and,
// once loaded, the configuration and logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	clock          clock.Clock
	cfg            *config.Config
	log            *slog.Logger
}

// Execute runs the trustee command line with args.
func Execute(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, clock: clock.Real{}}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		var ee *ExitError
		if !errors.As(err, &ee) {
			// cobra's own errors (unknown flag, wrong arguments) are usage
			// errors.
			return &ExitError{Code: ExitBadInput, Err: err}
		}
	}
	return err
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "trustee",
		Short: "trustee keeps a privacy policy's promises",
		Long: `trustee renders a privacy policy declared as code (YAML) in English and
Chinese, and enforces every sentence of it at run time: collection only for
declared purposes with the right consent, encrypted storage with per-subject
keys, retention, sharing, user rights on time, and a tamper-evident audit log.`,
		Example: `  # run on the embedded default (SQLite and a key file under ./trustee-data)
  trustee serve --declarations examples/

  # check, render and compare declarations
  trustee policy lint examples/*.yaml
  trustee policy render examples/sopi.yaml --lang zh --format html > sopi.html
  trustee policy diff old.yaml new.yaml`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := config.Load(cmd.Flags(), e.getenv)
			if err != nil {
				return &ExitError{Code: ExitBadInput, Err: err}
			}
			e.cfg = cfg
			e.log = newLogger(e.stderr, cfg.LogFormat, cfg.LogLevel)
			return nil
		},
	}
	config.RegisterFlags(root.PersistentFlags())
	root.AddCommand(newConfigCmd(e), newPolicyCmd(e), newServeCmd(e), newTenantsCmd(e), withKeysRotate(e, newKeysCmd(e)), newAuditCmd(e), newRequestsCmd(e))
	root.AddCommand(newHoldsCmd(e), newTrustedKeysCmd(e))
	root.AddCommand(newRetentionCmd(e))
	return root
}

// newLogger builds the process logger. Personal data never reaches it: the
// types that hold any implement slog.LogValuer to redact themselves.
func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level)) // validated by config.Load
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// readInput reads a named file, or standard input for "-".
func (e *env) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(e.stdin)
	}
	return os.ReadFile(name)
}
