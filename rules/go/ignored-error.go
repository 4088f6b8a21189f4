package handlers

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
)

func GetPage(r *http.Request) int {
	// ruleid: go.ignored-error
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return page
}

func Decode(r *http.Request, v any) {
	// ruleid: go.ignored-error
	_ = json.NewDecoder(r.Body).Decode(v)
}

func Archive(db *sql.DB, id int64) {
	// ruleid: go.ignored-error
	_, _ = db.Exec("UPDATE orders SET archived = true WHERE id = $1", id)
}

func GetPageOK(r *http.Request) (int, error) {
	// ok: go.ignored-error
	page, err := strconv.Atoi(r.URL.Query().Get("page"))
	return page, err
}

func DecodeOK(r *http.Request, v any) error {
	// ok: go.ignored-error
	return json.NewDecoder(r.Body).Decode(v)
}
