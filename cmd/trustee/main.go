// Command trustee keeps a privacy policy's promises: it renders the policy
// declared as code and enforces it at run time. Run `trustee --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/trustee-dev/trustee/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx)
	stop()
	os.Exit(cli.ExitCode(err, os.Stderr))
}

func realMain(ctx context.Context) error {
	return cli.Execute(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}
