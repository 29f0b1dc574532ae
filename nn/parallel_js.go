//go:build js

package nn

// In WebAssembly there is one thread (GOMAXPROCS is 1), so jobs run serially
// and the pool of parallel_pool.go, with its synchronisation, stays out of the
// download. The API is the same.

// parallel runs j's chunks 0..n-1 in order.
func parallel(n int, j job) {
	for i := range n {
		j.do(i)
	}
}
