package api

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkV1Collect measures POST /v1/subjects/{subject}/records through
// the whole handler (authentication, decisions, sealing, one audited
// transaction), single records and batches of 1,000, on each backend.
// Single records come from 16×GOMAXPROCS concurrent callers, as from many
// clients (the vault's group commit forms under such load). It reports
// req/s, records/s and the process's CPU time per request.
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
					if size == 1 {
						b.SetParallelism(16)
					}
					cpu0 := cpuTime()
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
					b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu_us/req")
				})
			}
		})
	}
}

// cpuTime returns the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
