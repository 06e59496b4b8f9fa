package main

import (
	"context"
	"sync"

	unspun "github.com/unspun/unspun"
)

// inOrder runs work on every article that read produces, on workers
// goroutines (each with its own work function from newWork, for state
// that is not safe to share), and hands the results to deliver strictly in
// input order, so that output never depends on scheduling. The first error
// of newWork or deliver stops the reading; inOrder returns how many
// results were delivered and the first error of newWork, deliver or read.
func inOrder[R any](ctx context.Context, workers int, read func(func(unspun.Article) error) error,
	newWork func() (func(unspun.Article) R, error), deliver func(R) error) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		seq int
		art unspun.Article
	}
	type result struct {
		seq int
		r   R
	}
	workers = max(1, workers)
	jobs := make(chan job, workers)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		work, err := newWork()
		if err != nil {
			return 0, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- result{j.seq, work(j.art)}
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		seq := 0
		err := read(func(art unspun.Article) error {
			select {
			case jobs <- job{seq, art}:
				seq++
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(jobs)
		wg.Wait()
		close(results)
		readErr <- err
	}()
	pending := map[int]R{}
	next := 0
	var firstErr error
	for res := range results {
		if firstErr != nil {
			continue // drain
		}
		pending[res.seq] = res.r
		for r, ok := pending[next]; ok; r, ok = pending[next] {
			delete(pending, next)
			next++
			if err := deliver(r); err != nil {
				firstErr = err
				cancel()
				break
			}
		}
	}
	if err := <-readErr; err != nil && firstErr == nil {
		firstErr = err
	}
	return next, firstErr
}
