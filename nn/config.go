package nn

import (
	"errors"
	"strconv"
)

// Config describes a network's architecture: the shape of one input example and
// the layers in order. A Sequential is built from a Config, and the model file
// (see model.go) stores one, so a page can rebuild the network from the file alone.
type Config struct {
	Input  Shape         // one example, (H, W, C) for images
	Layers []LayerConfig // in order, input to output
}

// Layer types of LayerConfig.Type, named as Keras names them.
const (
	TypeConv2D       = "conv2d"
	TypeMaxPooling2D = "max_pooling2d"
	TypeFlatten      = "flatten"
	TypeDense        = "dense"
)

// Activations of LayerConfig.Activation. The empty string means linear.
const (
	ActLinear  = ""
	ActReLU    = "relu"
	ActSoftmax = "softmax"
)

// Kernel initialisers of LayerConfig.Init, as Keras names them. The empty string
// means glorot_uniform, Keras's default. Biases always start at zero.
const (
	InitGlorotUniform = "glorot_uniform"
	InitHeUniform     = "he_uniform"
	InitZeros         = "zeros"
)

// LayerConfig describes one layer. Only the fields of its Type are used; the
// others stay zero.
type LayerConfig struct {
	Type string // TypeConv2D, TypeMaxPooling2D, TypeFlatten or TypeDense
	// Name is the Keras-style name ("conv2d", "dense", "dense_1"); parameters are
	// named after it ("dense_1/kernel"). Left empty, it is assigned as Keras does:
	// the type, then the type with _1, _2, … for later layers of the same type.
	Name string

	Filters int    // conv2d: number of output channels
	Kernel  [2]int // conv2d: kernel (height, width); stride 1, valid padding
	Pool    [2]int // max_pooling2d: pool (height, width), stride equal to the pool
	Units   int    // dense: number of outputs

	Activation string // conv2d and dense: ActLinear, ActReLU or ActSoftmax
	Init       string // conv2d and dense: kernel initialiser
}

// Shape is the shape of one example (no batch dimension): (H, W, C) for images,
// (N) for vectors.
type Shape []int

// Size is the number of elements of one example.
func (s Shape) Size() int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// Tutorial returns the architecture of the Keras MNIST tutorial: Conv2D 32 3×3
// ReLU (he_uniform) → MaxPool 2×2 → Flatten → Dense 100 ReLU (he_uniform) →
// Dense 10 softmax (glorot_uniform). It has 542,230 parameters.
func Tutorial() Config {
	return Config{
		Input: Shape{28, 28, 1},
		Layers: []LayerConfig{
			{Type: TypeConv2D, Filters: 32, Kernel: [2]int{3, 3}, Activation: ActReLU, Init: InitHeUniform},
			{Type: TypeMaxPooling2D, Pool: [2]int{2, 2}},
			{Type: TypeFlatten},
			{Type: TypeDense, Units: 100, Activation: ActReLU, Init: InitHeUniform},
			{Type: TypeDense, Units: 10, Activation: ActSoftmax, Init: InitGlorotUniform},
		},
	}
}

// Param is one trainable tensor, addressed by its Keras-style name.
type Param struct {
	Name  string    // "conv2d/kernel", "conv2d/bias", "dense/kernel", …
	Shape []int     // conv2d kernel (KH, KW, Cin, Cout) = HWIO; dense kernel (in, out); bias (out)
	Value []float32 // row-major in Shape's order
	Grad  []float32 // same layout as Value; filled by a backward pass
}

// LayerInfo is one layer of a resolved Config: its configuration with the name
// filled in, the shape of its output for one example, and its parameters'
// names and shapes (Value and Grad are nil).
type LayerInfo struct {
	LayerConfig
	In, Out Shape
	Params  []Param
}

// Resolve checks c and infers every layer's name, output shape and parameters,
// as Keras's model.summary() does. Its error says which layer is wrong and why.
func (c Config) Resolve() ([]LayerInfo, error) {
	if len(c.Input) == 0 {
		return nil, configError(-1, "", "the input shape is empty")
	}
	for _, d := range c.Input {
		if d <= 0 || d > maxDim {
			return nil, configError(-1, "", "input shape "+c.Input.String()+" has a dimension outside 1.."+strconv.Itoa(maxDim))
		}
	}
	if len(c.Layers) == 0 {
		return nil, configError(-1, "", "there are no layers")
	}
	in := c.Input
	infos := make([]LayerInfo, len(c.Layers))
	for i, lc := range c.Layers {
		if lc.Name == "" {
			// Keras: conv2d, conv2d_1, conv2d_2, …, counted per type.
			k := 0
			for _, prev := range c.Layers[:i] {
				if prev.Type == lc.Type && prev.Name == "" {
					k++
				}
			}
			lc.Name = lc.Type
			if k > 0 {
				lc.Name += "_" + strconv.Itoa(k)
			}
		}
		for _, prev := range infos[:i] {
			if prev.Name == lc.Name {
				return nil, configError(i, lc.Name, "the name is used twice")
			}
		}
		var out Shape
		var params []Param
		switch lc.Type {
		case TypeConv2D:
			if len(in) != 3 {
				return nil, configError(i, lc.Name, "conv2d needs an (H, W, C) input, got "+in.String())
			}
			kh, kw := lc.Kernel[0], lc.Kernel[1]
			if kh <= 0 || kw <= 0 || kh > in[0] || kw > in[1] {
				return nil, configError(i, lc.Name, "kernel "+Shape{kh, kw}.String()+" does not fit input "+in.String())
			}
			if lc.Filters <= 0 || lc.Filters > maxDim {
				return nil, configError(i, lc.Name, "filters must be in 1.."+strconv.Itoa(maxDim)+", got "+strconv.Itoa(lc.Filters))
			}
			out = Shape{in[0] - kh + 1, in[1] - kw + 1, lc.Filters}
			params = []Param{
				{Name: lc.Name + "/kernel", Shape: []int{kh, kw, in[2], lc.Filters}},
				{Name: lc.Name + "/bias", Shape: []int{lc.Filters}},
			}
		case TypeMaxPooling2D:
			if len(in) != 3 {
				return nil, configError(i, lc.Name, "max_pooling2d needs an (H, W, C) input, got "+in.String())
			}
			ph, pw := lc.Pool[0], lc.Pool[1]
			if ph <= 0 || pw <= 0 || ph > in[0] || pw > in[1] {
				return nil, configError(i, lc.Name, "pool "+Shape{ph, pw}.String()+" does not fit input "+in.String())
			}
			out = Shape{in[0] / ph, in[1] / pw, in[2]}
		case TypeFlatten:
			out = Shape{in.Size()}
		case TypeDense:
			if len(in) != 1 {
				return nil, configError(i, lc.Name, "dense needs a flat input (add a flatten layer before it), got "+in.String())
			}
			if lc.Units <= 0 || lc.Units > maxDim {
				return nil, configError(i, lc.Name, "units must be in 1.."+strconv.Itoa(maxDim)+", got "+strconv.Itoa(lc.Units))
			}
			out = Shape{lc.Units}
			params = []Param{
				{Name: lc.Name + "/kernel", Shape: []int{in[0], lc.Units}},
				{Name: lc.Name + "/bias", Shape: []int{lc.Units}},
			}
		default:
			return nil, configError(i, lc.Name, "unknown layer type "+quote(lc.Type))
		}
		switch lc.Activation {
		case ActLinear, ActReLU, ActSoftmax:
		default:
			return nil, configError(i, lc.Name, "unknown activation "+quote(lc.Activation))
		}
		if lc.Activation != ActLinear && lc.Type != TypeConv2D && lc.Type != TypeDense {
			return nil, configError(i, lc.Name, lc.Type+" takes no activation")
		}
		switch lc.Init {
		case "", InitGlorotUniform, InitHeUniform, InitZeros:
		default:
			return nil, configError(i, lc.Name, "unknown initialiser "+quote(lc.Init))
		}
		total := 0
		for _, p := range params {
			total += Shape(p.Shape).Size()
		}
		if out.Size() > maxElems || total > maxElems {
			return nil, configError(i, lc.Name, "too large: more than "+strconv.Itoa(maxElems)+" elements")
		}
		infos[i] = LayerInfo{LayerConfig: lc, In: in, Out: out, Params: params}
		in = out
	}
	return infos, nil
}

// Limits that keep a hostile model file from asking for gigabytes.
const (
	maxDim   = 1 << 16 // any one dimension
	maxElems = 1 << 26 // elements of one layer's output or parameters (256 MB of float32)
)

// String formats s as Keras does: (28, 28, 1).
func (s Shape) String() string {
	b := []byte{'('}
	for i, d := range s {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	if len(s) == 1 {
		b = append(b, ',')
	}
	return string(append(b, ')'))
}

// quote returns s in double quotes, with bytes outside printable ASCII shown
// as '?'. (strconv.Quote would add its Unicode tables to the WebAssembly build;
// and not inlined, its seven callers' code in the build is 0.4 KB smaller,
// gzipped.)
//
//go:noinline
func quote(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < ' ' || c > '~' {
			b[i] = '?'
		}
	}
	return "\"" + string(b) + "\""
}

func configError(i int, name, msg string) error {
	if i < 0 {
		return errors.New("nn: config: " + msg)
	}
	return errors.New("nn: config: layer " + strconv.Itoa(i) + " (" + name + "): " + msg)
}

// matches reports whether p is the parameter want describes: its name, its
// shape, and a value for every element.
func (p *Param) matches(want Param) bool {
	return p != nil && p.Name == want.Name && sameShape(p.Shape, want.Shape) && len(p.Value) == Shape(want.Shape).Size()
}

// nonFinite is the index of the first NaN or infinity in v, or −1.
func nonFinite(v []float32) int {
	for i, x := range v {
		if x-x != 0 { // NaN or ±Inf
			return i
		}
	}
	return -1
}
