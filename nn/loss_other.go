//go:build !js

package nn

import "math"

// crossEntropy's exp and log (see loss_js.go).

func lossExp(x float64) float64 { return math.Exp(x) }
func lossLog(x float64) float64 { return math.Log(x) }
