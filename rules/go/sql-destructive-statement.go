package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

func resetQueue(ctx context.Context, db *sql.DB) error {
	// ruleid: go.sql-destructive-statement
	_, err := db.ExecContext(ctx, "DELETE FROM jobs")
	return err
}

func dropSessions(db *sql.DB) {
	// ruleid: go.sql-destructive-statement
	db.Exec(`DROP TABLE IF EXISTS sessions`)
}

func truncateEvents(ctx context.Context, pool *pgxpool.Pool) error {
	// ruleid: go.sql-destructive-statement
	_, err := pool.Exec(ctx, "TRUNCATE TABLE events RESTART IDENTITY")
	return err
}

func stacked(db *sql.DB) {
	// ruleid: go.sql-destructive-statement
	db.Exec("SELECT 1; DROP TABLE users;")
}

func commented(db *sql.DB) {
	// ruleid: go.sql-destructive-statement
	db.Exec("/* cleanup */ DROP /* all */ TABLE audit_log")
}

func builtFirst(ctx context.Context, db *sql.DB) error {
	q := `
		UPDATE accounts
		SET balance = 0
	`
	// ruleid: go.sql-destructive-statement
	_, err := db.ExecContext(ctx, q)
	return err
}

func deleteOne(ctx context.Context, db *sql.DB, id int64) error {
	// ok: go.sql-destructive-statement
	_, err := db.ExecContext(ctx, "DELETE FROM jobs WHERE id = $1", id)
	return err
}

func markDone(ctx context.Context, db *sql.DB, id int64) error {
	// ok: go.sql-destructive-statement
	_, err := db.ExecContext(ctx, `UPDATE jobs SET state = 'done' WHERE id = $1`, id)
	return err
}

func listJobs(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	// ok: go.sql-destructive-statement
	return db.QueryContext(ctx, "SELECT id, state FROM jobs WHERE state = 'queued'")
}

func deleteOld(ctx context.Context, db *sql.DB) error {
	q := "DELETE FROM jobs WHERE finished_at < now() - interval '30 days'"
	// ok: go.sql-destructive-statement
	_, err := db.ExecContext(ctx, q)
	return err
}

func TestReset(t *testing.T) {
	db := openTestDB(t)
	// ok: go.sql-destructive-statement
	db.Exec("DELETE FROM jobs")
}
