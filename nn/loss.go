package nn

import "strconv"

// crossEntropy is sparse categorical cross-entropy fused with softmax. For each
// row z of logits (N, classes) with label y,
//
//	loss = log Σ_j exp(z_j) − z_y
//
// computed as m + log Σ_j exp(z_j − m) with m = max z, which stays finite for
// any finite logits. It returns the sum of the N losses and how many rows
// have their largest logit (the first, on ties) at the label. When dlogits is
// not nil it receives the gradient of the mean loss:
//
//	dlogits = (softmax(z) − onehot(y)) / N
func crossEntropy(dlogits, logits []float32, y []uint8, classes int) (sum float64, correct int) {
	n := len(y)
	for i, label := range y {
		if int(label) >= classes {
			panic("nn: label " + strconv.Itoa(int(label)) + " of example " + strconv.Itoa(i) + " is not below the " + strconv.Itoa(classes) + " classes")
		}
		z := logits[i*classes : (i+1)*classes]
		m := rowMax(z)
		var s float64
		for _, v := range z {
			s += lossExp(float64(v) - m)
		}
		lse := m + lossLog(s)
		sum += lse - float64(z[label])
		if argmax(z) == int(label) {
			correct++
		}
		if dlogits == nil {
			continue
		}
		d := dlogits[i*classes : (i+1)*classes]
		for j, v := range z {
			p := lossExp(float64(v) - lse)
			if j == int(label) {
				p--
			}
			d[j] = float32(p / float64(n))
		}
	}
	return sum, correct
}

// argmax is the index of the first largest element of x (which is not empty).
func argmax(x []float32) int {
	best := 0
	for j, v := range x {
		if v > x[best] {
			best = j
		}
	}
	return best
}
