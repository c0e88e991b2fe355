package jobs_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/trustee-dev/trustee/internal/jobs"
)

// BenchmarkInsert measures inserting one job (the cost a feature pays to
// schedule a deadline or a delivery) on each database.
func BenchmarkInsert(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			r, err := jobs.Open(context.Background(), be.options(b))
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			if err := jobs.Register(r, newPing()); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for i := 0; b.Loop(); i++ {
				if _, err := r.Insert(ctx, pingArgs{ID: "req_" + strconv.Itoa(i)}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
		})
	}
}

// BenchmarkCheckArgs measures the personal-data check every insert runs.
func BenchmarkCheckArgs(b *testing.B) {
	args := deliveryArgs{Tenant: "acme", Delivery: "msg_0193f2a4-7c1e-7b3a-9d1e-2f6c8a9b0c1d", Attempts: 3}
	for b.Loop() {
		if err := jobs.CheckArgs(args); err != nil {
			b.Fatal(err)
		}
	}
}
