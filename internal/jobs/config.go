package jobs

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/trustee-dev/trustee/internal/config"
)

// SQLiteFile is the name of River's own SQLite file, beside the store's
// database.
const SQLiteFile = "jobs.db"

// OptionsFromConfig returns the Options of a loaded configuration: on a
// sqlite:///dir/trustee.db database, River's own file dir/jobs.db; on a
// postgres:// database, the same database (and search_path). Log and
// Clock are left for the caller.
func OptionsFromConfig(c *config.Config) (Options, error) {
	o := Options{Workers: c.JobWorkers}
	u, err := url.Parse(c.Database)
	if err != nil {
		return o, errors.New("jobs: database URL is not a valid URL")
	}
	switch u.Scheme {
	case "sqlite":
		if u.Opaque != "" || (u.Host != "" && u.Host != "localhost") || u.Path == "" {
			return o, errors.New("jobs: database URL: want sqlite:///absolute/path.db (three slashes)")
		}
		path := filepath.FromSlash(u.Path)
		if filepath.Base(path) == SQLiteFile {
			return o, fmt.Errorf("jobs: the database file is named %s, the name of the jobs database beside it: rename the database file", SQLiteFile)
		}
		o.SQLite = filepath.Join(filepath.Dir(path), SQLiteFile)
	case "postgres", "postgresql":
		o.Postgres = c.Database
	default:
		return o, fmt.Errorf("jobs: database URL scheme %q: want sqlite or postgres", u.Scheme)
	}
	return o, nil
}
