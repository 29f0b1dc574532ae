//go:build !amd64 && !js

package nn

// pickKernel chooses the micro-kernel for an m×n product: Go's on this
// architecture.
func pickKernel(m, n int) int { return kernGo }

// kernel runs the micro-kernel id.
func kernel(id int, t *kernArgs) { gemmGo(t) }

// gemmAlt runs products that do not go through the micro-kernels: none here.
func gemmAlt(g *gemmArgs, kern int) bool { return false }
