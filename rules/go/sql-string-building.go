package repo

import (
	"context"
	"database/sql"
	"fmt"
)

func FindUser(db *sql.DB, email string) *sql.Row {
	// ruleid: go.sql-string-building
	return db.QueryRow(fmt.Sprintf("SELECT id, name FROM users WHERE email = '%s'", email))
}

func DeleteOrder(ctx context.Context, db *sql.DB, id string) error {
	// ruleid: go.sql-string-building
	_, err := db.ExecContext(ctx, "DELETE FROM orders WHERE id = "+id)
	return err
}

func Search(db *sql.DB, term string) (*sql.Rows, error) {
	q := fmt.Sprintf("SELECT * FROM products WHERE name LIKE '%%%s%%'", term)
	// ruleid: go.sql-string-building
	return db.Query(q)
}

func FindUserOK(db *sql.DB, email string) *sql.Row {
	// ok: go.sql-string-building
	return db.QueryRow("SELECT id, name FROM users WHERE email = $1", email)
}

func DeleteOrderOK(ctx context.Context, db *sql.DB, id string) error {
	// ok: go.sql-string-building
	_, err := db.ExecContext(ctx, "DELETE FROM orders WHERE id = $1", id)
	return err
}

const userColumns = "id, email, created_at"

func ByTable(db *sql.DB, table, column, value string) (*sql.Rows, error) {
	// ruleid: go.sql-string-building
	return db.Query("SELECT * FROM " + table + " WHERE " + column + " = '" + value + "'")
}

func Filtered(ctx context.Context, db *sql.DB, status, region string) (*sql.Rows, error) {
	q := "SELECT * FROM orders WHERE 1=1"
	q += " AND status = '" + status + "'"
	q += " AND region = '" + region + "'"
	// ruleid: go.sql-string-building
	return db.QueryContext(ctx, q)
}

func ColumnsOK(db *sql.DB, id int64) *sql.Row {
	// ok: go.sql-string-building
	return db.QueryRow("SELECT "+userColumns+" FROM users WHERE id = $1", id)
}

func SplitOK(db *sql.DB, id int64) *sql.Row {
	// ok: go.sql-string-building
	return db.QueryRow("SELECT * FROM users "+"WHERE id = $1", id)
}
