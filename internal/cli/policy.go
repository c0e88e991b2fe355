package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/policy"
)

func newPolicyCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Check, render and compare declarations (policy as code)",
		Example: `  trustee policy lint examples/*.yaml
  trustee policy render examples/sopi.yaml --lang zh --format html -o sopi.html
  trustee policy diff v1.yaml v2.yaml`,
	}
	cmd.AddCommand(newLintCmd(e), newRenderCmd(e), newDiffCmd(e))
	return cmd
}

// parseFile reads and parses one declaration. Unreadable or invalid input
// is an ExitBadInput error that lists every problem with its position.
func (e *env) parseFile(name string) (*policy.Document, error) {
	data, err := e.readInput(name)
	if err != nil {
		return nil, &ExitError{Code: ExitBadInput, Err: fmt.Errorf("cannot read %s: %w", name, unwrapPathError(err))}
	}
	doc, err := policy.Parse(name, data)
	if err != nil {
		return nil, &ExitError{Code: ExitBadInput, Err: fmt.Errorf("%s is not a valid declaration:\n%w", name, err)}
	}
	return doc, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func newLintCmd(e *env) *cobra.Command {
	var asJSON, rules bool
	cmd := &cobra.Command{
		Use:   "lint FILE...",
		Short: "Report promises a declaration breaks or that trustee cannot enforce",
		Long: `Lint checks declarations against the law and against what trustee can
enforce. Each finding has file:line:column, a rule id, a message and a fix.
Exit status: 0 clean, 1 findings, 2 unreadable or invalid input.`,
		Example: `  trustee policy lint examples/*.yaml
  trustee policy lint --json my-app.yaml
  trustee policy lint --rules`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if rules {
				for _, r := range policy.Rules {
					fmt.Fprintf(e.stdout, "%-24s %s (%s)\n", r.ID, r.Summary, r.Law)
				}
				return nil
			}
			if len(args) == 0 {
				return &ExitError{Code: ExitBadInput, Err: errors.New("name at least one declaration file (or - for standard input)")}
			}
			var all []policy.Finding
			for _, name := range args {
				doc, err := e.parseFile(name)
				if err != nil {
					return err
				}
				all = append(all, policy.Lint(doc)...)
			}
			if asJSON {
				if all == nil {
					all = []policy.Finding{}
				}
				if err := writeJSON(e.stdout, all); err != nil {
					return err
				}
			} else {
				for _, f := range all {
					fmt.Fprintln(e.stdout, f.String())
				}
			}
			if len(all) > 0 {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d finding(s)", len(all))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print findings as JSON")
	cmd.Flags().BoolVar(&rules, "rules", false, "list the lint rules and exit")
	return cmd
}

func newRenderCmd(e *env) *cobra.Command {
	var lang, format, out string
	cmd := &cobra.Command{
		Use:   "render FILE",
		Short: "Render the human-readable policy of a declaration",
		Long: `Render writes the complete privacy policy of a declaration, in English (en)
or Chinese (zh), as Markdown (md) or a self-contained HTML page (html).`,
		Example: `  trustee policy render examples/sopi.yaml --lang en --format md
  trustee policy render examples/sopi.yaml --lang zh --format html -o sopi.zh.html`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := e.parseFile(args[0])
			if err != nil {
				return err
			}
			b, err := policy.Render(doc.Decl, lang, format)
			if err != nil {
				return &ExitError{Code: ExitBadInput, Err: err}
			}
			if out == "" || out == "-" {
				_, err = e.stdout.Write(b)
				return err
			}
			return os.WriteFile(out, b, 0o644)
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "language: en or zh")
	cmd.Flags().StringVar(&format, "format", "md", "format: md or html")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

func newDiffCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "List every change between two versions, major ones marked",
		Long: `Diff lists every change between two versions of a declaration. Each change is
classified major or minor; a major change names the item of the major-change
list it falls under (purpose or processing, controller, recipients, rights,
contact, impact assessment) and whether subjects must consent again.
Exit status: 0 no major change, 3 at least one major change, 2 bad input.`,
		Example: `  trustee policy diff v1.yaml v2.yaml
  trustee policy diff --json v1.yaml v2.yaml | jq '.changes[] | select(.major)'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			oldDoc, err := e.parseFile(args[0])
			if err != nil {
				return err
			}
			newDoc, err := e.parseFile(args[1])
			if err != nil {
				return err
			}
			cs := policy.Diff(oldDoc.Decl, newDoc.Decl)
			if asJSON {
				if err := writeJSON(e.stdout, cs); err != nil {
					return err
				}
			} else {
				printChangeSet(e.stdout, cs)
			}
			if cs.Major {
				return &ExitError{Code: ExitMajor}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the change set as JSON")
	return cmd
}

func printChangeSet(w io.Writer, cs policy.ChangeSet) {
	if len(cs.Changes) == 0 {
		fmt.Fprintf(w, "no changes from %s to %s\n", cs.From, cs.To)
		return
	}
	for _, c := range cs.Changes {
		mark := "minor"
		if c.Major {
			mark = "MAJOR (" + c.Item + ")"
		}
		fmt.Fprintf(w, "%-8s %-40s %s: %s\n", c.Kind, c.Path, mark, c.Summary)
	}
	fmt.Fprintf(w, "%d change(s) from %s to %s", len(cs.Changes), cs.From, cs.To)
	if cs.Major {
		fmt.Fprint(w, "; major changes found")
	}
	if cs.ReconsentRequired {
		fmt.Fprintf(w, "; re-consent required for: %s", strings.Join(cs.ReconsentPurposes, ", "))
	}
	fmt.Fprintln(w)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// declarationFiles expands files and directories (their *.yaml and *.yml
// files, sorted) into a list of files.
func declarationFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("declarations %s: %w", p, unwrapPathError(err))
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		for _, pat := range []string{"*.yaml", "*.yml"} {
			m, _ := filepath.Glob(filepath.Join(p, pat))
			found = append(found, m...)
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
