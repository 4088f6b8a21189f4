package ops

import (
	"context"
	"fmt"
	"os/exec"
)

func Backup(db, dest string) error {
	// ruleid: go.command-injection
	return exec.Command("sh", "-c", fmt.Sprintf("pg_dump %s | gzip > %s", db, dest)).Run()
}

func Grep(ctx context.Context, pattern string) ([]byte, error) {
	// ruleid: go.command-injection
	return exec.CommandContext(ctx, "/bin/bash", "-c", "grep -r "+pattern+" /var/log/app").Output()
}

func BackupOK(db, dest string) error {
	// ok: go.command-injection
	return exec.Command("pg_dump", "-f", dest, db).Run()
}

func Uptime() ([]byte, error) {
	// ok: go.command-injection
	return exec.Command("sh", "-c", "uptime | awk '{print $3}'").Output()
}
