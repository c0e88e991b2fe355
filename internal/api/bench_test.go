package api

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
)

// BenchmarkV1Collect measures POST /v1/subjects/{subject}/records through
// the whole handler (authentication, decisions, sealing, one audited
// transaction), single records and batches of 1,000, on each backend.
func BenchmarkV1Collect(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			h := newHarness(b, be.opts(b))
			for _, size := range []int{1, 1000} {
				body := make([]map[string]any, size)
				for i := range body {
					body[i] = rec("email", "account", "user"+strconv.Itoa(i)+"@example.com")
				}
				var n atomic.Int64
				b.Run("batch="+strconv.Itoa(size), func(b *testing.B) {
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							subj := "bench-" + strconv.FormatInt(n.Add(1)%64, 10)
							res := h.do("POST", "/v1/subjects/"+subj+"/records", h.collect, batch(body...))
							if res.status != http.StatusCreated {
								b.Errorf("status %d %s", res.status, res.body)
								return
							}
						}
					})
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
					b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "records/s")
				})
			}
		})
	}
}
