package nn

// A job is work cut into a fixed number of chunks. do(i) computes chunk i and
// writes only that chunk's part of the output, so the chunks may run in any
// order, on any goroutine, and the result is the same bit for bit. parallel
// runs them: on the pool of parallel_pool.go natively, in order in
// WebAssembly (parallel_js.go).
type job interface {
	do(i int)
}
