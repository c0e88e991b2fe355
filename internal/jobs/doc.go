// Package jobs runs trustee's durable background jobs: deadlines,
// reminders, webhook deliveries, purges. It is a thin layer over River
// (github.com/riverqueue/river): jobs are rows in a database, so a job
// inserted before a crash or a restart runs after it, and a job that fails
// is retried on River's exponential schedule until its attempts run out.
//
// # Where jobs live
//
// On the embedded default (SQLite) River gets a database file of its own,
// jobs.db beside the store's trustee.db, so that River's polling writes
// never wait on, or hold up, the collection hot path. On PostgreSQL River's
// tables (river_job, river_leader, ...) live in the store's database and
// schema. [Open] runs River's migrations (rivermigrate) every time; they
// are idempotent, and on PostgreSQL an advisory lock keeps two nodes that
// start at once from migrating together.
//
// # Use
//
// Open a [Runner], add workers with [Register] and periodic jobs with
// [Runner.Periodic], then [Runner.Start]. [Runner.Stop] lets running jobs
// finish (or, when its context ends first, cancels them: they run again
// after the restart); [Runner.Close] closes the database.
//
// # Several nodes
//
// Several `trustee serve` processes may share one PostgreSQL database. Each
// works jobs from the shared table, and River locks each job for the one
// node that runs it. Periodic jobs are inserted by River's elected leader
// only, so two nodes never insert the same periodic job at once; each
// periodic job is also unique within its period, which covers the moment a
// leadership changes hands.
//
// # No personal data in jobs
//
// Job arguments are stored in clear in the jobs table, logged by River, and
// kept after the job completes. They must hold ids and codes only (tenant,
// subject, request and delivery ids, state codes, UTC times): never an
// e-mail address, a phone number, a name, a record value or free text.
// A worker looks the personal data up in the vault when it runs. [Runner.Insert]
// and [Runner.Periodic] refuse arguments with a string that is not an id
// or a code ([CheckArgs]); the same rule holds for the errors workers
// return, which River stores with the job.
package jobs
