//go:build !js

package nn

// update applies the current step to every parameter, a chunk per job.
func (a *Adam) update() {
	if a.chunks == nil {
		a.chunks = chunksOf(a.params)
	}
	parallel(len(a.chunks), (*adamStep)(a))
}
