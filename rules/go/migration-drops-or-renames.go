package migrations

import (
	"context"
	"database/sql"
)

func upTidyUsers(ctx context.Context, tx *sql.Tx) error {
	// ruleid: go.migration-drops-or-renames
	if _, err := tx.ExecContext(ctx, "ALTER TABLE users DROP COLUMN legacy_email"); err != nil {
		return err
	}
	// ruleid: go.migration-drops-or-renames
	_, err := tx.Exec(`ALTER TABLE users RENAME COLUMN name TO full_name`)
	if err != nil {
		return err
	}
	// ok: go.migration-drops-or-renames
	_, err = tx.ExecContext(ctx, "ALTER TABLE users ADD COLUMN timezone text")
	// ok: go.migration-drops-or-renames
	_, err = tx.ExecContext(ctx, "ALTER TABLE users DROP CONSTRAINT users_email_key")
	return err
}

func downTidyUsers(ctx context.Context, tx *sql.Tx) error {
	// ok: go.migration-drops-or-renames
	_, err := tx.ExecContext(ctx, "ALTER TABLE users DROP COLUMN timezone")
	return err
}
