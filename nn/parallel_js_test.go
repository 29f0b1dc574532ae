package nn

import "sync/atomic"

// serialOnly has no effect in WebAssembly, where everything is serial; the
// tests that set it run here too.
var serialOnly atomic.Bool
