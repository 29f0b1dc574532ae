package nn

import "testing"

// TestResolveErrors: each way a Config can be wrong gives its own message,
// naming the layer.
func TestResolveErrors(t *testing.T) {
	t.Parallel()
	conv := LayerConfig{Type: TypeConv2D, Filters: 2, Kernel: [2]int{3, 3}, Activation: ActReLU}
	with := func(f func(*LayerConfig)) []LayerConfig {
		lc := conv
		f(&lc)
		return []LayerConfig{lc}
	}
	img := Shape{8, 8, 1}
	for i, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "nn: config: the input shape is empty"},
		{Config{Input: Shape{8, 0}}, "nn: config: input shape (8, 0) has a dimension outside 1..65536"},
		{Config{Input: img}, "nn: config: there are no layers"},
		{Config{Input: img, Layers: []LayerConfig{conv, {Type: TypeConv2D, Name: "conv2d", Filters: 2, Kernel: [2]int{3, 3}}}},
			"nn: config: layer 1 (conv2d): the name is used twice"},
		{Config{Input: Shape{8}, Layers: []LayerConfig{conv}}, "nn: config: layer 0 (conv2d): conv2d needs an (H, W, C) input, got (8,)"},
		{Config{Input: img, Layers: with(func(l *LayerConfig) { l.Kernel = [2]int{9, 1} })},
			"nn: config: layer 0 (conv2d): kernel (9, 1) does not fit input (8, 8, 1)"},
		{Config{Input: img, Layers: with(func(l *LayerConfig) { l.Kernel = [2]int{0, 1} })},
			"nn: config: layer 0 (conv2d): kernel (0, 1) does not fit input (8, 8, 1)"},
		{Config{Input: img, Layers: with(func(l *LayerConfig) { l.Filters = 0 })},
			"nn: config: layer 0 (conv2d): filters must be in 1..65536, got 0"},
		{Config{Input: Shape{8}, Layers: []LayerConfig{{Type: TypeMaxPooling2D, Pool: [2]int{2, 2}}}},
			"nn: config: layer 0 (max_pooling2d): max_pooling2d needs an (H, W, C) input, got (8,)"},
		{Config{Input: img, Layers: []LayerConfig{{Type: TypeMaxPooling2D, Pool: [2]int{2, 9}}}},
			"nn: config: layer 0 (max_pooling2d): pool (2, 9) does not fit input (8, 8, 1)"},
		{Config{Input: img, Layers: []LayerConfig{{Type: TypeDense, Units: 3}}},
			"nn: config: layer 0 (dense): dense needs a flat input (add a flatten layer before it), got (8, 8, 1)"},
		{Config{Input: Shape{8}, Layers: []LayerConfig{{Type: TypeDense, Units: 1 << 17}}},
			"nn: config: layer 0 (dense): units must be in 1..65536, got 131072"},
		{Config{Input: Shape{8}, Layers: []LayerConfig{{Type: "lstm\n"}}}, "nn: config: layer 0 (lstm\n): unknown layer type \"lstm?\""},
		{Config{Input: img, Layers: with(func(l *LayerConfig) { l.Activation = "tanh" })},
			"nn: config: layer 0 (conv2d): unknown activation \"tanh\""},
		{Config{Input: img, Layers: []LayerConfig{{Type: TypeFlatten, Activation: ActReLU}}},
			"nn: config: layer 0 (flatten): flatten takes no activation"},
		{Config{Input: img, Layers: with(func(l *LayerConfig) { l.Init = "ones" })},
			"nn: config: layer 0 (conv2d): unknown initialiser \"ones\""},
		{Config{Input: Shape{1 << 16}, Layers: []LayerConfig{{Type: TypeDense, Units: 1 << 16}}},
			"nn: config: layer 0 (dense): too large: more than 67108864 elements"},
	} {
		infos, err := c.cfg.Resolve()
		if err == nil || infos != nil || err.Error() != c.want {
			t.Errorf("%d: Resolve: %v, %v; want the error %q", i, infos, err, c.want)
		}
	}
}
