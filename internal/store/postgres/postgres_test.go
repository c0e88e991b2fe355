package postgres_test

import (
	"context"
	"testing"

	"github.com/trustee-dev/trustee/internal/clock"
	"github.com/trustee-dev/trustee/internal/store"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
	"github.com/trustee-dev/trustee/internal/store/postgres"
	"github.com/trustee-dev/trustee/internal/store/storetest"
)

// open opens a store on a fresh schema.
func open(t testing.TB, clk clock.Clock) store.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.Schema(t), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }
