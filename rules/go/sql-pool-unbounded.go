package store

import (
	"database/sql"
	"log"
	"net/http"
	"time"
)

func main() {
	// ruleid: go.sql-pool-unbounded
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	serve(db)
}

func handleOrders(w http.ResponseWriter, r *http.Request) {
	// ruleid: go.sql-pool-unbounded
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	defer db.Close()
	listOrders(w, db)
}

func run() error {
	// ok: go.sql-pool-unbounded
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(25)
	db.SetMaxIdleConns(25)
	db.SetConnMaxLifetime(5 * time.Minute)
	return serve(db)
}

func openDB(dsn string) (*sql.DB, error) {
	// ok: go.sql-pool-unbounded
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	return db, nil
}
