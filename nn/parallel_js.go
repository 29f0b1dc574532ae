//go:build js

package nn

import "sync/atomic"

// In WebAssembly there is one thread (GOMAXPROCS is 1), so jobs run serially
// and the pool of parallel_pool.go, with its synchronisation, stays out of the
// download. The API is the same.

// A job is work cut into a fixed number of chunks; see parallel_pool.go.
type job interface {
	do(i int)
}

// serialOnly has no effect here: everything is serial.
var serialOnly atomic.Bool

// parallel runs j's chunks 0..n-1 in order.
func parallel(n int, j job) {
	for i := range n {
		j.do(i)
	}
}
