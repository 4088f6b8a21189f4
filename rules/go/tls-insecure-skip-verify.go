package client

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"time"
)

func NewInsecure() *http.Client {
	tr := &http.Transport{
		// ruleid: go.tls-insecure-skip-verify
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func Patch(tr *http.Transport) {
	// ruleid: go.tls-insecure-skip-verify
	tr.TLSClientConfig.InsecureSkipVerify = true
}

func NewWithCA(pool *x509.CertPool) *http.Client {
	tr := &http.Transport{
		// ok: go.tls-insecure-skip-verify
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
	}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func Strict(tr *http.Transport) {
	// ok: go.tls-insecure-skip-verify
	tr.TLSClientConfig.InsecureSkipVerify = false
}
