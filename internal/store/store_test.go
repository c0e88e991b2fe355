package store

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestInvalidError(t *testing.T) {
	err := error(&InvalidError{Field: "record[2].purpose", Reason: "required"})
	if got, want := err.Error(), "store: invalid record[2].purpose: required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Error("InvalidError does not wrap ErrInvalid")
	}
}

func TestPageCheck(t *testing.T) {
	for _, c := range []struct {
		in      Page
		limit   int
		invalid bool
	}{
		{Page{}, DefaultLimit, false},
		{Page{Limit: 7}, 7, false},
		{Page{Limit: MaxLimit}, MaxLimit, false},
		{Page{Limit: MaxLimit + 1}, 0, true},
		{Page{Limit: -1}, 0, true},
		{Page{After: "a\x00b"}, 0, true},
	} {
		p, err := c.in.check()
		if (err != nil) != c.invalid || (err == nil && p.Limit != c.limit) {
			t.Errorf("check(%+v) = %+v, %v", c.in, p, err)
		}
	}
}

func TestCheckRecordID(t *testing.T) {
	for id, ok := range map[string]bool{
		"0190f5c2-8e4b-7c3a-9d2e-4f5a6b7c8d9e": true,
		"0190F5C2-8E4B-7C3A-9D2E-4F5A6B7C8D9E": false, // not canonical
		"0b6c6f2e-3c1e-4a8b-9d1c-2f1e6b3a4c5d": false, // v4
		"0190f5c28e4b7c3a9d2e4f5a6b7c8d9e":     false,
		"":                                     false,
	} {
		if err := CheckRecordID("id", id); (err == nil) != ok {
			t.Errorf("CheckRecordID(%q) = %v", id, err)
		}
	}
}

func TestNorm(t *testing.T) {
	in := time.Date(2026, 3, 1, 17, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	got := Norm(in)
	if got.Location() != time.UTC || got.Nanosecond() != 123456000 || !got.Equal(in.Truncate(time.Microsecond)) {
		t.Errorf("Norm(%v) = %v", in, got)
	}
	if !Norm(time.Time{}).IsZero() {
		t.Error("Norm(zero) is not zero")
	}
}

func TestRecordLogValueHidesCiphertext(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("stored", "record", Record{Tenant: "t", ID: "r", Subject: "s", Field: "phone",
		Ciphertext: []byte("SECRET-CIPHERTEXT"), Index: []byte("SECRET-INDEX")})
	if out := buf.String(); strings.Contains(out, "SECRET") || !strings.Contains(out, `"ciphertext_bytes":17`) {
		t.Errorf("log output: %s", out)
	}
}
