package audit

import (
	"fmt"
	"time"
)

func Stamp(event string) string {
	// ruleid: go.time-format-local
	return fmt.Sprintf("%s %s", time.Now().Format("2006-01-02 15:04:05"), event)
}

func Midnight() time.Time {
	n := time.Now()
	// ruleid: go.time-format-local
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.Local)
}

func StampOK(event string) string {
	// ok: go.time-format-local
	return fmt.Sprintf("%s %s", time.Now().UTC().Format(time.RFC3339), event)
}

func MidnightOK(loc *time.Location) time.Time {
	n := time.Now().In(loc)
	// ok: go.time-format-local
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
}
