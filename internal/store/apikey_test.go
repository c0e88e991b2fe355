package store

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestAPIKeyHidesHash(t *testing.T) {
	hash := bytes.Repeat([]byte{0xab}, 32)
	k := APIKey{ID: "k1", Tenant: "t1", Name: "ci", Hash: hash, Scopes: []string{"admin"}}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("key", "key", k)
	for _, out := range []string{buf.String(), fmt.Sprint(k), fmt.Sprintf("%+v", k)} {
		if strings.Contains(out, hex.EncodeToString(hash)) || strings.Contains(out, "171 171") || !strings.Contains(out, "k1") {
			t.Errorf("output shows the hash or not the id: %s", out)
		}
	}
}
