package reader

import unspun "github.com/unspun/unspun"

// ordered runs parse jobs on a pool of workers and hands their outcomes
// to deliver strictly in the order they were pushed, through a window of
// two outcomes per worker: output and error messages do not depend on
// scheduling, and memory is bounded by the window. Page extraction is most
// of the time spent reading web formats, and this is what puts every core
// on it.
type ordered struct {
	work    chan *outcome // jobs waiting for a worker
	window  []*outcome    // outcomes not yet delivered, in push order
	workers int
	deliver func(*outcome) error
}

// outcome is what one record or file came to: an article, a bad record
// (err, with its record number or path), or nothing to report. done is
// closed when it is known.
type outcome struct {
	path   string
	record int
	art    unspun.Article
	err    error
	done   chan struct{}
	parse  func() (unspun.Article, error) // for a worker, when not yet known
}

// settled is an outcome known at once.
func settled(path string, record int, err error) *outcome {
	o := &outcome{path: path, record: record, err: err, done: make(chan struct{})}
	close(o.done)
	return o
}

// pending is an outcome a worker will work out with parse.
func pending(path string, record int, parse func() (unspun.Article, error)) *outcome {
	return &outcome{path: path, record: record, parse: parse, done: make(chan struct{})}
}

// newOrdered starts the workers; stop ends them once the queued work is
// done (outcomes not delivered by then are dropped).
func newOrdered(workers int, deliver func(*outcome) error) (o *ordered, stop func()) {
	o = &ordered{workers: max(1, workers), deliver: deliver}
	o.work = make(chan *outcome, o.workers)
	for range o.workers {
		go func() {
			for job := range o.work {
				job.art, job.err = job.parse()
				close(job.done)
			}
		}()
	}
	return o, func() { close(o.work) }
}

// push adds an outcome, delivering the oldest ones while the window is
// full; it returns the first error deliver returns.
func (o *ordered) push(out *outcome) error {
	o.window = append(o.window, out)
	if out.parse != nil {
		o.work <- out
	}
	for len(o.window) > 2*o.workers {
		if err := o.deliverOldest(); err != nil {
			return err
		}
	}
	return nil
}

func (o *ordered) deliverOldest() error {
	out := o.window[0]
	o.window = o.window[1:]
	<-out.done
	return o.deliver(out)
}

// flush delivers every outcome in the window.
func (o *ordered) flush() error {
	for len(o.window) > 0 {
		if err := o.deliverOldest(); err != nil {
			return err
		}
	}
	return nil
}
