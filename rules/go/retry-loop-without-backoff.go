package db

import (
	"database/sql"
	"log"
	"time"
)

func Connect(dsn string) *sql.DB {
	// ruleid: go.retry-loop-without-backoff
	for {
		db, err := sql.Open("postgres", dsn)
		if err == nil {
			if err = db.Ping(); err == nil {
				return db
			}
		}
		log.Printf("db not ready: %v", err)
	}
}

func Drain(q Queue) {
	// ruleid: go.retry-loop-without-backoff
	for {
		msg, err := q.Receive()
		if err != nil {
			log.Print(err)
			continue
		}
		process(msg)
	}
}

func ConnectOK(dsn string) (*sql.DB, error) {
	var err error
	// ok: go.retry-loop-without-backoff
	for attempt := 0; attempt < 5; attempt++ {
		db, err := sql.Open("postgres", dsn)
		if err == nil {
			return db, nil
		}
		time.Sleep(time.Duration(1<<attempt) * time.Second)
	}
	return nil, err
}

func DrainOK(q Queue) {
	// ok: go.retry-loop-without-backoff
	for {
		msg, err := q.Receive()
		if err != nil {
			log.Print(err)
			time.Sleep(2 * time.Second)
			continue
		}
		process(msg)
	}
}
