//go:build js

package nn

// In WebAssembly, crossEntropy (which the page runs for Predictor.Teach)
// uses expNeg and logPos: math.Exp and math.Log would add 1.3 KB to the
// page's gzipped download (measured, Go 1.26). Their results differ from
// math's by a few units in the last place; training runs natively.

func lossExp(x float64) float64 { return expNeg(x) } // x ≤ 0 here
func lossLog(x float64) float64 { return logPos(x) } // x ≥ 1 here
