package jobs_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/riverqueue/river"

	"github.com/trustee-dev/trustee/internal/jobs"
)

// remindArgs is a job kind: it holds ids only. The worker reads whatever
// personal data it needs from the vault when it runs.
type remindArgs struct {
	Tenant  string `json:"tenant"`
	Request string `json:"request"`
}

func (remindArgs) Kind() string { return "example.remind" }

type remindWorker struct {
	river.WorkerDefaults[remindArgs]
	done chan string
}

func (w *remindWorker) Work(_ context.Context, j *river.Job[remindArgs]) error {
	w.done <- j.Args.Request
	return nil
}

func Example() {
	dir, _ := os.MkdirTemp("", "jobs")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	r, err := jobs.Open(ctx, jobs.Options{SQLite: filepath.Join(dir, jobs.SQLiteFile)})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	w := &remindWorker{done: make(chan string, 1)}
	if err := jobs.Register(r, w); err != nil {
		fmt.Println(err)
		return
	}
	if err := r.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer r.Stop(ctx)

	if _, err := r.Insert(ctx, remindArgs{Tenant: "acme", Request: "req_42"}, nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("reminded about", <-w.done)

	// Personal data never goes into a job.
	_, err = r.Insert(ctx, remindArgs{Tenant: "acme", Request: "ana@example.com"}, nil)
	fmt.Println(err)
	// Output:
	// reminded about req_42
	// job example.remind: args field "request" has characters an id or a code never has (spaces, @, +, ...): jobs hold ids and codes only; put the id in the args and look the value up in the vault when the job runs
}
