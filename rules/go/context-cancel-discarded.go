package worker

import (
	"context"
	"time"
)

func Handle(parent context.Context, job Job) error {
	// ruleid: go.context-cancel-discarded
	ctx, _ := context.WithTimeout(parent, 30*time.Second)
	return job.Run(ctx)
}

func Loop(parent context.Context) {
	for {
		// ruleid: go.context-cancel-discarded
		ctx, _ := context.WithCancel(parent)
		go poll(ctx)
	}
}

func HandleOK(parent context.Context, job Job) error {
	// ok: go.context-cancel-discarded
	ctx, cancel := context.WithTimeout(parent, 30*time.Second)
	defer cancel()
	return job.Run(ctx)
}

func Deadline(parent context.Context, at time.Time) error {
	// ok: go.context-cancel-discarded
	ctx, cancel := context.WithDeadline(parent, at)
	defer cancel()
	return work(ctx)
}
