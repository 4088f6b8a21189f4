package sync

import (
	"fmt"
	"io"
	"net/http"
)

func Status(c *http.Client, url string) (int, error) {
	// ruleid: go.response-body-not-closed
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func Ping(c *http.Client, req *http.Request) error {
	// ruleid: go.response-body-not-closed
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

func StatusOK(c *http.Client, url string) (int, error) {
	// ok: go.response-body-not-closed
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func Fetch(c *http.Client, req *http.Request) (*http.Response, error) {
	// ok: go.response-body-not-closed
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	return resp, nil
}
