// Package e2e holds trustee's end-to-end tests and its HTTP load
// benchmark. They build the trustee binary once, run real `trustee serve`
// processes on loopback (on the embedded SQLite default and, where one
// answers, on PostgreSQL) and drive them only through package client and
// the CLI, as an operator and a tenant would.
//
//	go test ./e2e/
//	go test ./e2e/ -run '^$' -bench CollectHTTP -benchtime 3s
//
// PostgreSQL is the server of internal/store/pgtest ($TRUSTEE_TEST_POSTGRES_URL,
// default postgres://postgres@127.0.0.1:5432/test); without one, or under
// -short, the PostgreSQL halves are skipped with a message saying so.
package e2e
