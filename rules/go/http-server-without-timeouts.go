package main

import (
	"log"
	"net/http"
	"time"
)

func main() {
	mux := http.NewServeMux()
	// ruleid: go.http-server-without-timeouts
	log.Fatal(http.ListenAndServe(":8080", mux))
}

func serve(mux *http.ServeMux) error {
	// ruleid: go.http-server-without-timeouts
	srv := &http.Server{Addr: ":8080", Handler: mux}
	return srv.ListenAndServe()
}

func serveOK(mux *http.ServeMux) error {
	// ok: go.http-server-without-timeouts
	srv := &http.Server{
		Addr:              ":8080",
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	return srv.ListenAndServe()
}

func serveOK2(mux *http.ServeMux) error {
	// ok: go.http-server-without-timeouts
	srv := &http.Server{Addr: ":9090", Handler: mux, ReadTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}
