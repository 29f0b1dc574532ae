//go:build !js

package nn

import (
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	t.Parallel()
	for i, c := range []struct {
		cfg  Config
		want string
	}{
		// tf.keras 2.x prints this for the tutorial (trailing spaces cut).
		{Tutorial(), `Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
conv2d (Conv2D)              (None, 26, 26, 32)        320
_________________________________________________________________
max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0
_________________________________________________________________
flatten (Flatten)            (None, 5408)              0
_________________________________________________________________
dense (Dense)                (None, 100)               540900
_________________________________________________________________
dense_1 (Dense)              (None, 10)                1010
=================================================================
Total params: 542,230
Trainable params: 542,230
Non-trainable params: 0
_________________________________________________________________
`},
		// A name too long for its column is cut, as Keras does; a second
		// layer of a type gets _1.
		{Config{Input: Shape{100, 100, 3}, Layers: []LayerConfig{
			{Type: TypeConv2D, Name: "a_convolution_with_a_long_name", Filters: 1000, Kernel: [2]int{1, 1}},
			{Type: TypeMaxPooling2D, Pool: [2]int{2, 2}},
			{Type: TypeMaxPooling2D, Pool: [2]int{5, 1}},
		}}, `Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #
=================================================================
a_convolution_with_a_long_na (None, 100, 100, 1000)    4000
_________________________________________________________________
max_pooling2d (MaxPooling2D) (None, 50, 50, 1000)      0
_________________________________________________________________
max_pooling2d_1 (MaxPooling2 (None, 10, 50, 1000)      0
=================================================================
Total params: 4,000
Trainable params: 4,000
Non-trainable params: 0
_________________________________________________________________
`},
	} {
		m, err := New(c.cfg, nil)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if got := m.Summary(); got != c.want {
			t.Errorf("%d: Summary:\n%s\nwant:\n%s", i, got, c.want)
		}
	}
}

func TestSummaryNoTrailingSpace(t *testing.T) {
	m, _ := New(Tutorial(), nil)
	for i, line := range strings.Split(m.Summary(), "\n") {
		if strings.HasSuffix(line, " ") || len(line) > 65 {
			t.Errorf("line %d: %q", i, line)
		}
	}
}
