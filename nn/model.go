package nn

import (
	"errors"
	"math"
	"strconv"
	"sync"
)

// The model file (weights/model.bin) holds a network's architecture and its
// parameters, so a program (or a web page) can rebuild the network from the
// file alone, and refuse a file that does not match what it needs.
//
// Layout, version 1. Integers are unsigned little-endian; f32 is an IEEE-754
// float32, little-endian. Offsets are from the start of the file.
//
//	off  size  field
//	0    6     magic "INKNN\x1a"
//	6    2     version = 1
//	8    4     file length in bytes, checksum included
//	12   …     architecture:
//	             u8  input rank R, then R × u32 input dimensions
//	             u16 layer count L, then L layers, each:
//	               u8 type (1 conv2d, 2 max_pooling2d, 3 flatten, 4 dense)
//	               u8 name length n, then n bytes of name ([a-z0-9_], 1..64)
//	               u8 activation (0 linear, 1 relu, 2 softmax)
//	               u8 kernel initialiser (0 glorot_uniform, 1 he_uniform, 2 zeros;
//	                  kept so a file can be trained further; unused for inference)
//	               conv2d: u32 filters, u16 kernel height, u16 kernel width
//	               max_pooling2d: u16 pool height, u16 pool width
//	               dense: u32 units
//	     …     metadata: u16 count, then count × (u8 key length, key, u16 value
//	             length, value), UTF-8 text (how the file was trained)
//	     …     tensors: u16 count T, equal to the architecture's parameter count,
//	           in the architecture's order, each:
//	             u8 name length, name (must be the architecture's next parameter)
//	             u8 encoding: 0 float32, 1 int8 with a scale per output channel
//	             u8 rank, then rank × u32 dimensions (must equal the architecture's)
//	             float32: n × f32 values, row-major
//	             int8:    u8 bits b (2..8), C × f32 scales (C = last dimension, the
//	                      output channels), then n × i8 q with |q| ≤ 2^(b-1)−1;
//	                      value[i] = q[i] × scale[i mod C]
//	end−4 4     CRC-32 (IEEE) of every byte before it
//
// Decoding never panics: every length is bounded before use, and bytes that
// are not a valid file give an error that says what is wrong and where.

const (
	modelMagic   = "INKNN\x1a"
	ModelVersion = 1 // the version this package writes and reads
)

// Encodings of a tensor in the model file.
const (
	EncFloat32 = 0 // 4 bytes a value
	EncInt8    = 1 // 1 byte a value plus a float32 scale per output channel
)

// A ModelError reports a model file that cannot be used.
type ModelError struct {
	Offset int    // byte offset where the problem was found, or -1
	Msg    string // what is wrong
}

func (e *ModelError) Error() string {
	if e.Offset < 0 {
		return "model file: " + e.Msg
	}
	return "model file: " + e.Msg + " (at byte " + strconv.Itoa(e.Offset) + ")"
}

// ErrNotModel is wrapped by the error for bytes that are not a model file at all.
var ErrNotModel = errors.New("not an inkling model file")

// EncodeOptions choose how parameters are stored.
type EncodeOptions struct {
	// QuantizeMin is the element count from which a kernel is stored as int8
	// with a scale per output channel; smaller tensors and all biases stay
	// float32. Zero means 4096; a negative value stores everything as float32.
	QuantizeMin int
	// Bits is the precision of quantised kernels, 2..8; zero means 8. Fewer
	// bits use fewer distinct byte values, which a gzip-compressing web server
	// then sends in fewer bytes.
	Bits int
	// Meta is free-form text stored with the file (e.g. "seed": "1").
	Meta [][2]string
}

func (o *EncodeOptions) quantizeMin() int {
	if o == nil || o.QuantizeMin == 0 {
		return 4096
	}
	return o.QuantizeMin
}

func (o *EncodeOptions) bits() int {
	if o == nil || o.Bits == 0 {
		return 8
	}
	return o.Bits
}

// EncodeModel writes the architecture cfg and its parameters (in the order of
// cfg.Resolve, with Value set) in the model file format.
func EncodeModel(cfg Config, params []*Param, opt *EncodeOptions) ([]byte, error) {
	infos, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	bits := opt.bits()
	if bits < 2 || bits > 8 {
		return nil, errors.New("nn: EncodeModel: bits must be in 2..8, got " + strconv.Itoa(bits))
	}
	var w []byte
	w = append(w, modelMagic...)
	w = appendU16(w, ModelVersion)
	w = appendU32(w, 0) // file length, patched below

	w = append(w, byte(len(cfg.Input)))
	for _, d := range cfg.Input {
		w = appendU32(w, uint32(d))
	}
	w = appendU16(w, uint16(len(infos)))
	k := 0
	for _, li := range infos {
		if !validName(li.Name) {
			return nil, errors.New("nn: EncodeModel: layer name " + quote(li.Name) + " is not 1..64 characters of [a-z0-9_]")
		}
		init := li.Init
		if init == "" {
			init = InitGlorotUniform
		}
		w = append(w, code(typeNames, li.Type), byte(len(li.Name)))
		w = append(w, li.Name...)
		w = append(w, code(actNames, li.Activation), code(initNames, init))
		switch li.Type {
		case TypeConv2D:
			w = appendU32(w, uint32(li.Filters))
			w = appendU16(w, uint16(li.Kernel[0]))
			w = appendU16(w, uint16(li.Kernel[1]))
		case TypeMaxPooling2D:
			w = appendU16(w, uint16(li.Pool[0]))
			w = appendU16(w, uint16(li.Pool[1]))
		case TypeDense:
			w = appendU32(w, uint32(li.Units))
		}
		for _, p := range li.Params {
			if k >= len(params) || !params[k].matches(p) {
				return nil, errors.New("nn: EncodeModel: parameter " + strconv.Itoa(k) + " is not " + p.Name + " " + Shape(p.Shape).String())
			}
			k++
		}
	}
	if k != len(params) {
		return nil, errors.New("nn: EncodeModel: " + strconv.Itoa(len(params)) + " parameters given, the architecture has " + strconv.Itoa(k))
	}

	var meta [][2]string
	if opt != nil {
		meta = opt.Meta
	}
	w = appendU16(w, uint16(len(meta)))
	for _, kv := range meta {
		if len(kv[0]) == 0 || len(kv[0]) > 255 || len(kv[1]) > 65535 {
			return nil, errors.New("nn: EncodeModel: metadata " + quote(kv[0]) + " is too long or has an empty key")
		}
		w = append(w, byte(len(kv[0])))
		w = append(w, kv[0]...)
		w = appendU16(w, uint16(len(kv[1])))
		w = append(w, kv[1]...)
	}

	w = appendU16(w, uint16(len(params)))
	for _, p := range params {
		w = append(w, byte(len(p.Name)))
		w = append(w, p.Name...)
		enc := byte(EncFloat32)
		if q := opt.quantizeMin(); q > 0 && len(p.Value) >= q && len(p.Shape) >= 2 {
			enc = EncInt8
		}
		w = append(w, enc, byte(len(p.Shape)))
		for _, d := range p.Shape {
			w = appendU32(w, uint32(d))
		}
		if nonFinite(p.Value) >= 0 {
			return nil, errors.New("nn: EncodeModel: " + p.Name + " holds NaN or infinity")
		}
		if enc == EncFloat32 {
			for _, v := range p.Value {
				w = appendU32(w, math.Float32bits(v))
			}
			continue
		}
		w = append(w, byte(bits))
		scales, q := quantize(p.Value, p.Shape[len(p.Shape)-1], bits)
		for _, s := range scales {
			w = appendU32(w, math.Float32bits(s))
		}
		w = append(w, q...)
	}
	n := len(w) + 4
	putU32(w[8:], uint32(n))
	return appendU32(w, crc32(w)), nil
}

// quantize maps values (row-major, last dimension c) to signed integers of the
// given bits with one symmetric scale per output channel: q = round(v/scale),
// scale = max|v| over the channel / (2^(bits-1)−1).
func quantize(values []float32, c, bits int) (scales []float32, q []byte) {
	levels := float32(int(1)<<(bits-1) - 1)
	scales = make([]float32, c)
	for i, v := range values {
		if a := float32(math.Abs(float64(v))); a > scales[i%c] {
			scales[i%c] = a
		}
	}
	for j := range scales {
		scales[j] /= levels
	}
	q = make([]byte, len(values))
	for i, v := range values {
		if s := scales[i%c]; s > 0 {
			q[i] = byte(int8(math.Round(float64(v / s))))
		}
	}
	return scales, q
}

// DecodeModel reads a model file: the architecture and its parameters, in the
// order of cfg.Resolve, with Value set (int8 tensors are dequantised here,
// once). meta holds the file's metadata. It never panics on bad bytes.
//
// (The decoder is written for a small WebAssembly build: few call sites, and
// errors built by one helper.)
func DecodeModel(data []byte) (cfg Config, params []*Param, meta [][2]string, err error) {
	if err := checkEnvelope(data); err != nil {
		return cfg, nil, nil, err
	}
	r := &reader{b: data[:len(data)-4], off: 12}
	if cfg, err = r.config(); err != nil {
		return cfg, nil, nil, err
	}
	infos, err := cfg.Resolve()
	if err != nil {
		return cfg, nil, nil, merr(-1, "bad architecture: ", err.Error())
	}
	nm := int(r.u16())
	for i := 0; i < nm && r.err == nil; i++ {
		k := r.str(int(r.u8()))
		meta = append(meta, [2]string{k, r.str(int(r.u16()))})
	}
	var want []Param
	for _, li := range infos {
		want = append(want, li.Params...)
	}
	at := r.off
	if nt := int(r.u16()); r.err == nil && nt != len(want) {
		return cfg, nil, nil, merr(at, itoa(nt), " tensors stored, the architecture has ", itoa(len(want)))
	}
	for _, wp := range want {
		p, err := r.tensor(wp)
		if err != nil {
			return cfg, nil, nil, err
		}
		params = append(params, p)
	}
	if r.err == nil && r.off != len(r.b) {
		r.err = merr(r.off, itoa(len(r.b)-r.off), " unexpected bytes after the last tensor")
	}
	if r.err != nil {
		return cfg, nil, nil, r.err
	}
	return cfg, params, meta, nil
}

// checkEnvelope checks the magic, version, length and checksum.
func checkEnvelope(data []byte) error {
	if len(data) < len(modelMagic) || string(data[:len(modelMagic)]) != modelMagic {
		return merr(0, ErrNotModel.Error(), " (wrong magic bytes; is this weights/model.bin?)")
	}
	if len(data) < 16 {
		return merr(-1, "truncated: ", itoa(len(data)), " bytes is too short for the header")
	}
	if v := int(data[6]) | int(data[7])<<8; v != ModelVersion {
		return merr(6, "version ", itoa(v), " of the format; this program reads version ", itoa(ModelVersion),
			": retrain with this version (make train) or use the matching page")
	}
	switch length := int(getU32(data[8:])); {
	case length > len(data):
		return merr(-1, "truncated: ", commas(length), " bytes expected, ", commas(len(data)), " read")
	case length < len(data):
		return merr(-1, "wrong length: the header says ", commas(length), " bytes, the file has ", commas(len(data)))
	}
	if got, want := crc32(data[:len(data)-4]), getU32(data[len(data)-4:]); got != want {
		return merr(-1, "checksum mismatch: the file is corrupt (stored CRC-32 ", hex32(want), ", computed ", hex32(got), "); download or copy it again")
	}
	return nil
}

// config reads the architecture section.
func (r *reader) config() (cfg Config, err error) {
	rank := int(r.u8())
	if rank == 0 || rank > 4 {
		return cfg, merr(r.off-1, "input rank ", itoa(rank), " is not 1..4")
	}
	cfg.Input = make(Shape, rank)
	for i := range cfg.Input {
		cfg.Input[i] = int(r.u32())
	}
	nl := int(r.u16())
	if r.err == nil && (nl == 0 || nl > 256) {
		return cfg, merr(r.off-2, itoa(nl), " layers is not 1..256")
	}
	for i := 0; i < nl && r.err == nil; i++ {
		at := r.off
		var lc LayerConfig
		t := r.u8()
		lc.Type = codeName(typeNames, t)
		lc.Name = r.str(int(r.u8()))
		a, in := r.u8(), r.u8()
		lc.Activation, lc.Init = codeName(actNames, a), codeName(initNames, in)
		switch t {
		case 1: // conv2d
			lc.Filters = int(r.u32())
			lc.Kernel = [2]int{int(r.u16()), int(r.u16())}
		case 2: // max_pooling2d
			lc.Pool = [2]int{int(r.u16()), int(r.u16())}
		case 4: // dense
			lc.Units = int(r.u32())
		}
		what, code := "", 0
		switch {
		case lc.Type == "?":
			what, code = "type", int(t)
		case lc.Activation == "?":
			what, code = "activation", int(a)
		case lc.Init == "?":
			what, code = "initialiser", int(in)
		case !validName(lc.Name) && r.err == nil:
			return cfg, merr(at, "layer ", itoa(i), ": bad name ", quote(lc.Name))
		}
		if what != "" && r.err == nil {
			return cfg, merr(at, "layer ", itoa(i), ": unknown ", what, " code ", itoa(code))
		}
		cfg.Layers = append(cfg.Layers, lc)
	}
	return cfg, r.err
}

// tensor reads the next tensor, which must be wp (by name and shape).
func (r *reader) tensor(wp Param) (*Param, error) {
	at := r.off
	name := r.str(int(r.u8()))
	enc, rank := r.u8(), int(r.u8())
	shape := make([]int, 0, 4)
	for j := 0; j < rank && j < 8; j++ {
		shape = append(shape, int(r.u32()))
	}
	switch {
	case r.err != nil:
		return nil, r.err
	case name != wp.Name:
		return nil, merr(at, "tensor ", quote(name), " found where ", wp.Name, " belongs")
	case rank != len(shape) || !sameShape(shape, wp.Shape):
		return nil, merr(at, wp.Name, " has shape ", Shape(shape).String(), ", the architecture needs ", Shape(wp.Shape).String())
	}
	n := Shape(wp.Shape).Size()
	p := &Param{Name: wp.Name, Shape: wp.Shape, Value: make([]float32, n)}
	switch enc {
	case EncFloat32:
		raw := r.bytes(4 * n)
		for j := 0; r.err == nil && j < n; j++ {
			p.Value[j] = math.Float32frombits(getU32(raw[4*j:]))
		}
	case EncInt8:
		bits := int(r.u8())
		c := wp.Shape[len(wp.Shape)-1]
		sraw := r.bytes(4 * c)
		q := r.bytes(n)
		if r.err != nil {
			return nil, r.err
		}
		if bits < 2 || bits > 8 {
			return nil, merr(at, wp.Name, ": precision of ", itoa(bits), " bits is not 2..8")
		}
		limit := int8(int(1)<<(bits-1) - 1)
		for j, b := range q {
			v := int8(b)
			if v > limit || v < -limit {
				return nil, merr(at, wp.Name, ": value ", itoa(int(v)), " out of range for ", itoa(bits), " bits")
			}
			p.Value[j] = float32(v) * math.Float32frombits(getU32(sraw[4*(j%c):]))
		}
	default:
		return nil, merr(at, wp.Name, ": unknown encoding ", itoa(int(enc)))
	}
	if r.err != nil {
		return nil, r.err
	}
	for _, v := range p.Value { // nonFinite, written out: the call would add 46 bytes to the page's code
		if v-v != 0 {
			return nil, merr(at, wp.Name, " holds NaN or infinity")
		}
	}
	return p, nil
}

// merr builds a *ModelError from the parts of its message.
//
//go:noinline
func merr(at int, parts ...string) error {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = append(b, p...)
	}
	return &ModelError{at, string(b)}
}

// itoa is strconv.Itoa, called from one place (a smaller WebAssembly build).
//
//go:noinline
func itoa(n int) string { return strconv.Itoa(n) }

// CheckIO reports whether cfg takes inputs of shape in and gives classes
// outputs, so a program can refuse a model file of another architecture with
// a message that says so.
func CheckIO(cfg Config, in Shape, classes int) error {
	infos, err := cfg.Resolve()
	if err != nil {
		return err
	}
	out := infos[len(infos)-1].Out
	if sameShape(cfg.Input, in) && len(out) == 1 && out[0] == classes {
		return nil
	}
	return &ModelError{-1, "the model is for another architecture: it takes " + cfg.Input.String() + " inputs and gives " +
		out.String() + " outputs, but " + in.String() + " inputs and " + strconv.Itoa(classes) + " classes are needed"}
}

// The codes of layer types, activations and initialisers: a name's code is
// its index. ("?" marks an unused code.)
var (
	typeNames = []string{"?", TypeConv2D, TypeMaxPooling2D, TypeFlatten, TypeDense}
	actNames  = []string{ActLinear, ActReLU, ActSoftmax}
	initNames = []string{InitGlorotUniform, InitHeUniform, InitZeros}
)

// code returns the code of name (which Resolve has already checked).
func code(names []string, name string) byte {
	for i, n := range names {
		if n == name {
			return byte(i)
		}
	}
	return 0
}

// codeName returns the name whose code is c, or "?" if there is none.
func codeName(names []string, c byte) string {
	if int(c) < len(names) {
		return names[c]
	}
	return "?"
}

// validName reports whether s is a layer name a model file may hold. (Not
// inlined: each inlined copy made the page's WebAssembly larger, measured
// gzipped.)
//
//go:noinline
func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// sameShape reports whether a and b are the same shape. (Not inlined: each
// inlined copy made the page's WebAssembly larger, measured gzipped.)
//
//go:noinline
func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reader reads little-endian values from a byte slice. The first short read
// sets err; later reads return zeros, so callers check err once per section.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = merr(r.off, "truncated: ", commas(n), " more bytes needed, ", commas(len(r.b)-r.off), " left")
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

//go:noinline
func (r *reader) u8() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

//go:noinline
func (r *reader) u16() uint16 {
	if b := r.bytes(2); b != nil {
		return uint16(b[0]) | uint16(b[1])<<8
	}
	return 0
}

//go:noinline
func (r *reader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return getU32(b)
	}
	return 0
}

func (r *reader) str(n int) string { return string(r.bytes(n)) }

func appendU16(b []byte, v uint16) []byte { return append(b, byte(v), byte(v>>8)) }
func appendU32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}
func putU32(b []byte, v uint32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
func getU32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// crc32 is the IEEE CRC-32 (as in zip, gzip and PNG). It is written out here
// rather than imported from hash/crc32 to keep the WebAssembly build small.
func crc32(b []byte) uint32 {
	crcOnce.Do(func() {
		for i := range crcTable {
			c := uint32(i)
			for range 8 {
				if c&1 != 0 {
					c = c>>1 ^ 0xedb88320
				} else {
					c >>= 1
				}
			}
			crcTable[i] = c
		}
	})
	c := ^uint32(0)
	for _, x := range b {
		c = crcTable[byte(c)^x] ^ c>>8
	}
	return ^c
}

var (
	crcOnce  sync.Once
	crcTable [256]uint32
)

func hex32(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	for len(s) < 8 {
		s = "0" + s
	}
	return "0x" + s
}

// commas formats n with a comma every three digits, as Python's "{:,}" does:
// 7840016 → "7,840,016".
func commas(n int) string {
	s := strconv.Itoa(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// MarshalModel encodes s (architecture and parameters) in the model file format.
func (s *Sequential) MarshalModel(opt *EncodeOptions) ([]byte, error) {
	return EncodeModel(s.Config(), s.Params(), opt)
}

// LoadModel builds a network from the bytes of a model file, parameters
// decoded (and dequantised) once, and returns it with the file's metadata.
func LoadModel(data []byte) (*Sequential, [][2]string, error) {
	cfg, params, meta, err := DecodeModel(data)
	if err != nil {
		return nil, nil, err
	}
	s, err := New(cfg, nil)
	if err != nil {
		return nil, nil, &ModelError{-1, "bad architecture: " + err.Error()}
	}
	vals := make([]Param, len(params))
	for i, p := range params {
		vals[i] = *p
	}
	if err := s.SetParams(vals); err != nil {
		return nil, nil, &ModelError{-1, err.Error()}
	}
	return s, meta, nil
}
