//go:build !amd64 && !js

package nn

// kernel runs the micro-kernel, in Go on this architecture.
func kernel(t *kernArgs) { gemmGo(t) }
