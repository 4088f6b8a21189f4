package billing

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

func FetchRates() (map[string]float64, error) {
	// ruleid: go.http-default-client
	resp, err := http.Get("https://fx.example.com/rates")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out map[string]float64
	return out, json.NewDecoder(resp.Body).Decode(&out)
}

func Notify(body string) error {
	req, _ := http.NewRequest("POST", "https://hooks.example.com", strings.NewReader(body))
	// ruleid: go.http-default-client
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

var client = &http.Client{Timeout: 10 * time.Second}

func FetchRatesOK() (*http.Response, error) {
	// ok: go.http-default-client
	return client.Get("https://fx.example.com/rates")
}

func NotifyOK(ctx context.Context, body string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "POST", "https://hooks.example.com", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	// ok: go.http-default-client
	return client.Do(req)
}
