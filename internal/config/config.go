// Package config holds trustee's configuration: defaults, a config file,
// TRUSTEE_* environment variables and command-line flags, in rising order
// of precedence.
//
// # Secrets
//
// Fields tagged `secret:"true"` are redacted by [Config.Redacted]; fields
// tagged `secret:"url"` hold URLs whose password and secret query values are
// redacted. `trustee config show` prints only the redacted form.
package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is the whole configuration of a trustee process.
type Config struct {
	// DataDir holds the embedded default's database and blobs.
	DataDir string `mapstructure:"data-dir" yaml:"data-dir"`
	// Database is "sqlite:///path/trustee.db" or "postgres://...".
	Database string `mapstructure:"database" yaml:"database" secret:"url"`
	// RootKey is the root key's URL: file:///path/root.key (default),
	// hashivault://..., awskms://...
	RootKey string `mapstructure:"root-key" yaml:"root-key" secret:"url"`
	// KeyStore is where wrapped keys live, apart from the data database.
	KeyStore string `mapstructure:"keystore" yaml:"keystore" secret:"url"`
	// Blobs is the object store's URL: file:///dir (default) or s3://...
	Blobs string `mapstructure:"blobs" yaml:"blobs" secret:"url"`
	// Listen is the HTTP listen address of trustee serve.
	Listen string `mapstructure:"listen" yaml:"listen"`
	// Declarations are files or directories of declarations to serve.
	Declarations []string `mapstructure:"declarations" yaml:"declarations"`
	// LogFormat is text or json; LogLevel is debug, info, warn or error.
	LogFormat string `mapstructure:"log-format" yaml:"log-format"`
	LogLevel  string `mapstructure:"log-level" yaml:"log-level"`
	// ShutdownTimeout bounds graceful shutdown.
	ShutdownTimeout time.Duration `mapstructure:"shutdown-timeout" yaml:"shutdown-timeout"`
	// SMTP is the mail relay URL:
	// smtp://user:password@host:port?from=privacy@example.com (see
	// notify.NewSMTP).
	SMTP string `mapstructure:"smtp" yaml:"smtp" secret:"url"`
	// SMSGateway is the SMS gateway's HTTPS endpoint; SMSToken its bearer
	// token.
	SMSGateway string `mapstructure:"sms-gateway" yaml:"sms-gateway" secret:"url"`
	SMSToken   string `mapstructure:"sms-token" yaml:"sms-token" secret:"true"`
	// JobWorkers is how many background jobs trustee serve runs at once.
	JobWorkers int `mapstructure:"job-workers" yaml:"job-workers"`
}

// DefaultDataDir is where the embedded default keeps its files.
const DefaultDataDir = "./trustee-data"

// RegisterFlags adds the configuration flags to fs.
func RegisterFlags(fs *pflag.FlagSet) {
	fs.String("config", "", "config file (YAML); TRUSTEE_CONFIG")
	fs.String("data-dir", DefaultDataDir, "directory of the embedded default's database and blobs")
	fs.String("database", "", "database URL: sqlite:///path/trustee.db or postgres://... (default: SQLite in --data-dir/db)")
	fs.String("root-key", "", "root key URL: file:///path/root.key, hashivault://..., awskms://... (default: --data-dir/keys/root.key)")
	fs.String("keystore", "", "key store URL, kept apart from the database (default: SQLite in --data-dir/keys)")
	fs.String("blobs", "", "blob store URL: file:///dir or s3://bucket (default: --data-dir/blobs)")
	fs.String("listen", "127.0.0.1:8080", "HTTP listen address")
	fs.StringSlice("declarations", nil, "declaration files or directories to serve")
	fs.String("log-format", "text", "log format: text or json")
	fs.String("log-level", "info", "log level: debug, info, warn or error")
	fs.Duration("shutdown-timeout", 15*time.Second, "time allowed for graceful shutdown")
	fs.String("smtp", "", "SMTP relay URL: smtp://user:password@host:port?from=privacy@example.com")
	fs.String("sms-gateway", "", "SMS gateway endpoint (https) for one-time codes")
	fs.String("sms-token", "", "bearer token of the SMS gateway")
	fs.Int("job-workers", 8, "background jobs (deadlines, deliveries, purges) run at once by serve")
}

// Load reads the configuration from fs (already parsed), the environment
// (TRUSTEE_DATA_DIR, TRUSTEE_DATABASE, ...) and the config file named by
// --config or TRUSTEE_CONFIG, then fills in the derived defaults.
func Load(fs *pflag.FlagSet, getenv func(string) string) (*Config, error) {
	v := viper.New()
	v.SetEnvPrefix("TRUSTEE")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if err := v.BindPFlags(fs); err != nil {
		return nil, err
	}
	file := v.GetString("config")
	if file == "" {
		file = getenv("TRUSTEE_CONFIG")
	}
	if file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config file %s: %w (fix: check the path and that it is valid YAML)", file, err)
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.fill(); err != nil {
		return nil, err
	}
	return &c, nil
}

// fill derives defaults from DataDir and validates enumerations.
func (c *Config) fill() error {
	dir, err := filepath.Abs(c.DataDir)
	if err != nil {
		return fmt.Errorf("data-dir %q: %w", c.DataDir, err)
	}
	c.DataDir = dir
	if c.Database == "" {
		c.Database = "sqlite://" + filepath.ToSlash(filepath.Join(dir, "db", "trustee.db"))
	}
	if c.RootKey == "" {
		c.RootKey = "file://" + filepath.ToSlash(filepath.Join(dir, "keys", "root.key"))
	}
	if c.KeyStore == "" {
		c.KeyStore = "sqlite://" + filepath.ToSlash(filepath.Join(dir, "keys", "keys.db"))
	}
	if c.Blobs == "" {
		c.Blobs = "file://" + filepath.ToSlash(filepath.Join(dir, "blobs"))
	}
	if c.JobWorkers < 1 {
		return fmt.Errorf("job-workers %d: give at least 1", c.JobWorkers)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("log-format %q: use text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log-level %q: use debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// AuditKeyPath is where the audit checkpoint signing key lives: beside the
// root key when that is a file, else in the data directory's keys folder.
func (c *Config) AuditKeyPath() string {
	if u, err := url.Parse(c.RootKey); err == nil && u.Scheme == "file" {
		return filepath.Join(filepath.Dir(filepath.FromSlash(u.Path)), "audit.key")
	}
	return filepath.Join(c.DataDir, "keys", "audit.key")
}

// Redacted returns a copy of c with every secret hidden, safe to print.
func (c *Config) Redacted() Config {
	out := *c
	v := reflect.ValueOf(&out).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		switch t.Field(i).Tag.Get("secret") {
		case "true":
			if v.Field(i).String() != "" {
				v.Field(i).SetString("REDACTED")
			}
		case "url":
			v.Field(i).SetString(RedactURL(v.Field(i).String()))
		}
	}
	return out
}

// RedactURL hides the password and any secret-looking query values of a URL.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		if s == "" {
			return ""
		}
		return "REDACTED"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		}
	}
	q := u.Query()
	changed := false
	for k := range q {
		lk := strings.ToLower(k)
		for _, w := range []string{"password", "secret", "token", "key", "sslpassword"} {
			if strings.Contains(lk, w) {
				q.Set(k, "REDACTED")
				changed = true
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
