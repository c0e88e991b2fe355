package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// Background checkpoints. With the writer checkpointing on its own (the
// wal_autocheckpoint), every few thousand commits one commit pays for
// copying the WAL back into the database file and fsyncing it, with the
// write lock held: every queued writer waits tens of milliseconds. A
// separate connection runs passive checkpoints every checkpointEvery
// instead; a passive checkpoint never takes the write lock, so writers go
// on while it copies and syncs. The writer's autocheckpoint stays as a
// backstop should the WAL outgrow it anyway. Checkpoints move committed
// data from one file to another: they change nothing of what a commit
// guarantees.
const checkpointEvery = 200 * time.Millisecond

type checkpointer struct {
	db   *sql.DB
	stop chan struct{}
	done sync.WaitGroup
}

func startCheckpointer(path string) (*checkpointer, error) {
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	c := &checkpointer{db: db, stop: make(chan struct{})}
	c.done.Go(c.run)
	return c, nil
}

func (c *checkpointer) run() {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			// Errors (SQLITE_BUSY while another checkpoint runs) only
			// leave the work to the next tick or to the writer.
			var busy, logFrames, done int64
			_ = c.db.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &done)
		}
	}
}

func (c *checkpointer) close() error {
	if c == nil {
		return nil
	}
	close(c.stop)
	c.done.Wait()
	return c.db.Close()
}
