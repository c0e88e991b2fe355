package sqlite_test

import (
	"testing"

	"github.com/trustee-dev/trustee/internal/store/storetest"
)

func TestLookupIndex(t *testing.T) { storetest.RunIndexLookup(t, open) }
