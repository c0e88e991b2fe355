package jobs_test

import "github.com/trustee-dev/trustee/internal/config"

// configWith returns a loaded-looking configuration on database db.
func configWith(db string) *config.Config {
	return &config.Config{Database: db, JobWorkers: 3}
}
