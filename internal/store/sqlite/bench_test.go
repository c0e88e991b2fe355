package sqlite_test

import (
	"fmt"
	"testing"

	"github.com/trustee-dev/trustee/internal/store/storetest"
)

func BenchmarkInsertRecords(b *testing.B) {
	b.Run("plain", func(b *testing.B) { storetest.BenchInsertRecords(b, open, 1000, false) })
	b.Run("indexed", func(b *testing.B) { storetest.BenchInsertRecords(b, open, 1000, true) })
}

func BenchmarkFindByIndex(b *testing.B) { storetest.BenchFindByIndex(b, open) }

func BenchmarkAuditAppend(b *testing.B) {
	for _, n := range []int{100, 1} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) { storetest.BenchAuditAppend(b, open, n) })
	}
}
