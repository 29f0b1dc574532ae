//go:build !js

package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// The pool runs the chunks of one job at a time on the calling goroutine and
// GOMAXPROCS−1 helper goroutines, started on first use (WebAssembly, with one
// thread, uses parallel_js.go instead). It allocates nothing per job. A job started while another runs (from a
// chunk, or from a second model on another goroutine) runs serially instead:
// chunks never depend on the number of workers, so neither do the results.
var pool struct {
	mu      sync.Mutex // held while a job is spread over the helpers
	start   sync.Once
	helpers int
	wake    chan struct{}
	wg      sync.WaitGroup

	j    job
	n    int64
	next atomic.Int64
}

// serialOnly makes every job run on the calling goroutine (tests use it to show
// that the results do not depend on the number of workers).
var serialOnly atomic.Bool

// maxHelpers bounds the helper goroutines: the chunks are sized for a few cores.
const maxHelpers = 7

// parallel runs j's chunks 0..n-1 and returns when all are done.
func parallel(n int, j job) {
	if n > 1 && acquirePool() {
		runPool(n, j)
		releasePool()
		return
	}
	for i := range n {
		j.do(i)
	}
}

// acquirePool reserves the helpers for the caller's next runPool calls. It
// returns false when there are no helpers or another job holds them.
func acquirePool() bool {
	if serialOnly.Load() {
		return false
	}
	pool.start.Do(startPool)
	if pool.helpers == 0 {
		return false
	}
	return pool.mu.TryLock()
}

func releasePool() { pool.mu.Unlock() }

func startPool() {
	pool.helpers = min(runtime.GOMAXPROCS(0)-1, maxHelpers)
	if pool.helpers <= 0 {
		pool.helpers = 0
		return
	}
	pool.wake = make(chan struct{}, pool.helpers)
	for range pool.helpers {
		go func() {
			for range pool.wake {
				runChunks()
				pool.wg.Done()
			}
		}()
	}
}

// runPool runs j on the pool; the caller holds it (acquirePool).
func runPool(n int, j job) {
	pool.j, pool.n = j, int64(n)
	pool.next.Store(0)
	h := min(pool.helpers, n-1)
	pool.wg.Add(h)
	for range h {
		pool.wake <- struct{}{}
	}
	runChunks()
	pool.wg.Wait()
	pool.j = nil
}

func runChunks() {
	j, n := pool.j, pool.n
	for {
		i := pool.next.Add(1) - 1
		if i >= n {
			return
		}
		j.do(int(i))
	}
}
