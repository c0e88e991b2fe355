package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func load(t *testing.T, args []string, env map[string]string) (*Config, error) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return Load(fs, os.Getenv)
}

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "trustee.yaml")
	if err := os.WriteFile(file, []byte("listen: 127.0.0.1:7000\nlog-format: json\nlog-level: warn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := load(t, []string{"--config", file, "--log-level", "debug"}, map[string]string{"TRUSTEE_LOG_FORMAT": "text"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:7000" {
		t.Errorf("listen from file: got %q", c.Listen)
	}
	if c.LogFormat != "text" {
		t.Errorf("env over file: log-format = %q", c.LogFormat)
	}
	if c.LogLevel != "debug" {
		t.Errorf("flag over all: log-level = %q", c.LogLevel)
	}
}

func TestDefaultsKeepKeysApartFromDatabase(t *testing.T) {
	c, err := load(t, []string{"--data-dir", t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Database, "/db/") || !strings.Contains(c.RootKey, "/keys/") || !strings.Contains(c.KeyStore, "/keys/") {
		t.Fatalf("database %q and keys %q %q must live in separate directories", c.Database, c.RootKey, c.KeyStore)
	}
}

func TestRedacted(t *testing.T) {
	c, err := load(t, nil, map[string]string{
		"TRUSTEE_DATABASE":  "postgres://app:hunter2@db:5432/trustee?sslmode=require",
		"TRUSTEE_SMTP":      "smtp://mailer:s3cret@mail:25",
		"TRUSTEE_ROOT_KEY":  "hashivault://trustee?token=abc123",
		"TRUSTEE_SMS_TOKEN": "tok-xyz789",
	})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redacted()
	if c.SMSToken != "tok-xyz789" {
		t.Errorf("TRUSTEE_SMS_TOKEN not loaded: %q", c.SMSToken)
	}
	for _, s := range []string{r.Database, r.SMTP, r.RootKey, r.SMSToken} {
		for _, secret := range []string{"hunter2", "s3cret", "abc123", "xyz789"} {
			if strings.Contains(s, secret) {
				t.Errorf("redacted value %q still holds %q", s, secret)
			}
		}
	}
	if !strings.Contains(r.Database, "app:REDACTED@db:5432") {
		t.Errorf("database redaction lost the useful parts: %q", r.Database)
	}
	if c.Database == r.Database {
		t.Error("Redacted changed the original")
	}
}

func TestBadValues(t *testing.T) {
	for _, args := range [][]string{{"--log-format", "xml"}, {"--log-level", "loud"}, {"--job-workers", "0"}} {
		if _, err := load(t, args, nil); err == nil || !strings.Contains(err.Error(), args[1]) {
			t.Errorf("%v: want an error naming %q, got %v", args, args[1], err)
		}
	}
	if _, err := load(t, []string{"--config", "/nonexistent/trustee.yaml"}, nil); err == nil {
		t.Error("missing config file: want an error")
	}
}

func TestJobWorkers(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.JobWorkers != 8 {
		t.Errorf("default job-workers = %d, want 8", c.JobWorkers)
	}
	c, err = load(t, nil, map[string]string{"TRUSTEE_JOB_WORKERS": "3"})
	if err != nil {
		t.Fatal(err)
	}
	if c.JobWorkers != 3 {
		t.Errorf("TRUSTEE_JOB_WORKERS=3: job-workers = %d", c.JobWorkers)
	}
}
