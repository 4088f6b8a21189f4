package download

import (
	"net"
	"net/http"
	"time"
)

// ruleid: go.zero-timeout
var downloader = &http.Client{Timeout: 0}

func dialer() *net.Dialer {
	// ruleid: go.zero-timeout
	return &net.Dialer{Timeout: 0, KeepAlive: 30 * time.Second}
}

func client() *http.Client {
	c := &http.Client{Timeout: 10 * time.Second}
	// ruleid: go.zero-timeout
	c.Timeout = 0
	return c
}

// ok: go.zero-timeout
var api = &http.Client{Timeout: 15 * time.Second}

// ok: go.zero-timeout
var streaming = &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: 10 * time.Second}, Timeout: 5 * time.Minute}
