package store

import (
	"context"
	"database/sql"
)

func names(ctx context.Context, db *sql.DB) ([]string, error) {
	// ruleid: go.sql-rows-not-closed
	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func ids(db *sql.DB) ([]int64, error) {
	// ruleid: go.sql-rows-not-closed
	rs, err := db.Query("SELECT id FROM jobs WHERE state = 'queued'")
	if err != nil {
		return nil, err
	}
	var out []int64
	for rs.Next() {
		var id int64
		rs.Scan(&id)
		out = append(out, id)
	}
	return out, rs.Err()
}

func namesClosed(ctx context.Context, db *sql.DB) ([]string, error) {
	// ok: go.sql-rows-not-closed
	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func queryUsers(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	// ok: go.sql-rows-not-closed
	rows, err := db.QueryContext(ctx, "SELECT id, name FROM users")
	if err != nil {
		return nil, err
	}
	return rows, nil
}

func scanAll(db *sql.DB) error {
	// ok: go.sql-rows-not-closed
	rows, err := db.Query("SELECT id FROM jobs")
	if err != nil {
		return err
	}
	return collect(rows)
}
