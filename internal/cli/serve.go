package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustee-dev/trustee/internal/api"
	"github.com/trustee-dev/trustee/internal/policy"
	"github.com/trustee-dev/trustee/internal/vault"
)

func newServeCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the trustee server",
		Long: `Serve runs trustee's HTTP server: /healthz, /readyz, /metrics (Prometheus)
and the rendered policies of the given declarations at
/policies/{id}?lang=en|zh&format=html|md.

With no configuration it runs on the embedded default: a SQLite database
under ./trustee-data/db, the root key, key store and audit signing key under
./trustee-data/keys and blobs under ./trustee-data/blobs, all created on
first start; /readyz answers once the database does. A shred that an
earlier process left halfway is finished at start. Declarations must lint
clean to be served.

Under /v1 it serves the HTTP API (tenants, keys, declarations, consent,
decisions, collection, rights requests), described at /openapi.json and
/docs/api, and under /drp/{tenant}/ the Data Rights Protocol 1.0 endpoints
for authorised agents (signing key: drp.key beside the audit key). Create
the first tenant and API key with trustee tenants create and trustee keys
create. Several serve processes may share one PostgreSQL database: each
follows the audit log to keep its decision caches current.

Background jobs run in River (jobs.db beside the SQLite database, or the
PostgreSQL database): every minute, deadline reminders, expiry of requests
never verified, erasure of accounts whose cancellation cooling-off ended,
and shreds a crash left halfway; on demand, webhook deliveries to
controllers and status callbacks to DRP agents, retried with backoff. One-
time codes go through --smtp and --sms-gateway.`,
		Example: `  trustee serve --declarations examples/
  trustee serve --listen 0.0.0.0:8080 --database postgres://trustee@db/trustee
  curl 'http://127.0.0.1:8080/policies/sopi?lang=zh&format=html'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.serve(cmd.Context())
		},
	}
}

// loadDeclarations parses and lints every declaration to serve. A
// declaration with findings is refused: trustee never serves a promise it
// cannot keep.
func (e *env) loadDeclarations() ([]*policy.Declaration, error) {
	files, err := declarationFiles(e.cfg.Declarations)
	if err != nil {
		return nil, &ExitError{Code: ExitBadInput, Err: err}
	}
	var out []*policy.Declaration
	for _, f := range files {
		doc, err := e.parseFile(f)
		if err != nil {
			return nil, err
		}
		if findings := policy.Lint(doc); len(findings) > 0 {
			for _, fd := range findings {
				fmt.Fprintln(e.stderr, fd.String())
			}
			return nil, &ExitError{Code: ExitBadInput, Err: fmt.Errorf("%s has %d lint finding(s): fix them before serving it", f, len(findings))}
		}
		out = append(out, doc.Decl)
	}
	return out, nil
}

// serveGCPercent is the server's GOGC unless the environment sets one. A
// server's heap is mostly short-lived request garbage over a small live
// set: collecting at 5× the live heap rather than 2× cut the CPU of a
// single-record collect by a sixth (docs/operations.md, "Memory").
const serveGCPercent = 400

func (e *env) serve(ctx context.Context) error {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serveGCPercent)
	}
	decls, err := e.loadDeclarations()
	if err != nil {
		return err
	}
	o := vault.OptionsFromConfig(e.cfg)
	o.Log, o.Clock = e.log, e.clock
	v, err := vault.Open(ctx, o)
	if err != nil {
		return fmt.Errorf("open the vault: %w", err)
	}
	defer func() {
		if err := v.Close(); err != nil {
			e.log.Error("closing the vault", "err", err)
		}
	}()
	srv, err := api.New(api.Options{Log: e.log, Clock: e.clock, Declarations: decls,
		Ready: func(r *http.Request) error { return v.Ping(r.Context()) }})
	if err != nil {
		return &ExitError{Code: ExitBadInput, Err: err}
	}
	runner, err := e.openJobs(ctx)
	if err != nil {
		return err
	}
	defer e.stopJobs(runner) // runs before the vault closes
	p, err := e.newParts(v, runner)
	if err != nil {
		return err
	}
	if err := e.startJobs(ctx, p, srv.Registry()); err != nil {
		return err
	}
	if err := e.mountV1(ctx, srv, p); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", e.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", e.cfg.Listen, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	e.log.Info("trustee serving", "addr", ln.Addr().String(), "declarations", len(decls), "data_dir", e.cfg.DataDir)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	e.log.Info("shutting down", "timeout", e.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), e.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
