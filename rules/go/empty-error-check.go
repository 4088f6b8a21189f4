package store

import (
	"encoding/json"
	"fmt"
	"os"
)

func Save(path string, v any) error {
	data, err := json.Marshal(v)
	// ruleid: go.empty-error-check
	if err != nil {
	}
	// ruleid: go.empty-error-check
	if err := os.WriteFile(path, data, 0o600); err != nil {
	}
	return nil
}

func SaveOK(path string, v any) error {
	data, err := json.Marshal(v)
	// ok: go.empty-error-check
	if err != nil {
		return fmt.Errorf("marshal %s: %w", path, err)
	}
	// ok: go.empty-error-check
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
