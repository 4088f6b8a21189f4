package api

import (
	"net/http"
	"time"
)

func NewClient(tr http.RoundTripper) *http.Client {
	// ruleid: go.http-client-without-timeout
	return &http.Client{Transport: tr}
}

// ruleid: go.http-client-without-timeout
var sharedClient = &http.Client{}

func NewClientOK(tr http.RoundTripper) *http.Client {
	// ok: go.http-client-without-timeout
	return &http.Client{Transport: tr, Timeout: 15 * time.Second}
}

func NewClientOK2() *http.Client {
	// ok: go.http-client-without-timeout
	c := &http.Client{}
	c.Timeout = 5 * time.Second
	return c
}
