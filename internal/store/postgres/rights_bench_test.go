package postgres_test

import (
	"testing"

	"github.com/trustee-dev/trustee/internal/store/storetest"
)

func BenchmarkActiveHolds(b *testing.B) { storetest.BenchActiveHolds(b, open) }
