package nn

import (
	"errors"
	hashcrc "hash/crc32"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// tinyModelConfig is a model small enough to truncate and corrupt at every byte.
func tinyModelConfig() Config {
	return Config{
		Input: Shape{6, 5, 2},
		Layers: []LayerConfig{
			{Type: TypeConv2D, Filters: 3, Kernel: [2]int{2, 3}, Activation: ActReLU, Init: InitHeUniform},
			{Type: TypeMaxPooling2D, Pool: [2]int{2, 2}},
			{Type: TypeFlatten},
			{Type: TypeDense, Units: 4, Activation: ActReLU, Init: InitHeUniform},
			{Type: TypeDense, Units: 3, Activation: ActSoftmax},
		},
	}
}

// randomParams gives cfg's parameters filled with values in [-1, 1).
func randomParams(t testing.TB, cfg Config, seed uint64) []*Param {
	t.Helper()
	infos, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	var ps []*Param
	for _, li := range infos {
		for _, p := range li.Params {
			v := make([]float32, Shape(p.Shape).Size())
			for i := range v {
				v[i] = float32(rng.Float64()*2 - 1)
			}
			ps = append(ps, &Param{Name: p.Name, Shape: p.Shape, Value: v})
		}
	}
	return ps
}

func TestModelRoundTripFloat32(t *testing.T) {
	cfg := tinyModelConfig()
	params := randomParams(t, cfg, 1)
	meta := [][2]string{{"seed", "1"}, {"note", "a test"}}
	data, err := EncodeModel(cfg, params, &EncodeOptions{QuantizeMin: -1, Meta: meta})
	if err != nil {
		t.Fatal(err)
	}
	cfg2, params2, meta2, err := DecodeModel(data)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := cfg.Resolve()
	got, _ := cfg2.Resolve()
	if len(got) != len(want) {
		t.Fatalf("%d layers decoded, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].LayerConfig != want[i].LayerConfig && !(got[i].Init == InitGlorotUniform && want[i].Init == "") {
			t.Errorf("layer %d: decoded %+v, want %+v", i, got[i].LayerConfig, want[i].LayerConfig)
		}
	}
	if len(meta2) != len(meta) || meta2[0] != meta[0] || meta2[1] != meta[1] {
		t.Errorf("meta decoded as %q, want %q", meta2, meta)
	}
	for i, p := range params {
		for j, v := range p.Value {
			if params2[i].Value[j] != v {
				t.Fatalf("%s[%d] = %v, want %v (float32 must round-trip exactly)", p.Name, j, params2[i].Value[j], v)
			}
		}
	}
}

// TestModelQuantisationBound checks that int8 storage errs by at most half a
// step of each output channel's scale, for every bit width.
func TestModelQuantisationBound(t *testing.T) {
	cfg := tinyModelConfig()
	params := randomParams(t, cfg, 2)
	for _, bits := range []int{8, 6, 5, 4, 2} {
		data, err := EncodeModel(cfg, params, &EncodeOptions{QuantizeMin: 8, Bits: bits})
		if err != nil {
			t.Fatal(err)
		}
		_, got, _, err := DecodeModel(data)
		if err != nil {
			t.Fatalf("bits %d: %v", bits, err)
		}
		levels := float64(int(1)<<(bits-1) - 1)
		for i, p := range params {
			c := p.Shape[len(p.Shape)-1]
			quantised := len(p.Value) >= 8 && len(p.Shape) >= 2
			maxAbs := make([]float64, c)
			for j, v := range p.Value {
				maxAbs[j%c] = math.Max(maxAbs[j%c], math.Abs(float64(v)))
			}
			for j, v := range p.Value {
				d := math.Abs(float64(got[i].Value[j] - v))
				bound := 0.0
				if quantised {
					bound = maxAbs[j%c]/levels/2 + 1e-6
				}
				if d > bound {
					t.Fatalf("bits %d: %s[%d] decoded %v, want %v ± %g", bits, p.Name, j, got[i].Value[j], v, bound)
				}
			}
		}
	}
}

func TestModelTutorialSize(t *testing.T) {
	cfg := Tutorial()
	data, err := EncodeModel(cfg, randomParams(t, cfg, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 600_000 {
		t.Errorf("tutorial model file is %d bytes, the budget is 600,000", len(data))
	}
	t.Logf("tutorial model file: %d bytes", len(data))
}

// TestModelTruncated cuts a valid file at every length: each must be refused
// with an error (and no panic).
func TestModelTruncated(t *testing.T) {
	cfg := tinyModelConfig()
	data, err := EncodeModel(cfg, randomParams(t, cfg, 4), &EncodeOptions{QuantizeMin: 8})
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(data); n++ {
		_, _, _, err := DecodeModel(data[:n])
		if err == nil {
			t.Fatalf("prefix of %d of %d bytes decoded without error", n, len(data))
		}
	}
	_, _, _, err = DecodeModel(data[:len(data)-100])
	if err == nil || !strings.Contains(err.Error(), "truncated: "+commas(len(data))+" bytes expected, "+commas(len(data)-100)+" read") {
		t.Errorf("truncated file: got %v", err)
	}
}

// TestModelCorrupt flips every byte of a valid file in turn: each must be refused.
func TestModelCorrupt(t *testing.T) {
	cfg := tinyModelConfig()
	data, err := EncodeModel(cfg, randomParams(t, cfg, 5), &EncodeOptions{QuantizeMin: 8})
	if err != nil {
		t.Fatal(err)
	}
	bad := make([]byte, len(data))
	for i := range data {
		copy(bad, data)
		bad[i] ^= 0x5a
		if _, _, _, err := DecodeModel(bad); err == nil {
			t.Fatalf("byte %d flipped: decoded without error", i)
		}
	}
	copy(bad, data)
	bad[len(bad)/2] ^= 1
	if _, _, _, err := DecodeModel(bad); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Errorf("flipped bit in the body: got %v, want a checksum mismatch", err)
	}
}

func TestModelErrors(t *testing.T) {
	cfg := tinyModelConfig()
	good, err := EncodeModel(cfg, randomParams(t, cfg, 6), nil)
	if err != nil {
		t.Fatal(err)
	}
	// reseal recomputes the checksum after an edit, so the decoder sees a
	// well-formed file with a wrong field.
	reseal := func(b []byte) []byte {
		putU32(b[len(b)-4:], crc32(b[:len(b)-4]))
		return b
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not an inkling model file"},
		{"png", []byte("\x89PNG\r\n\x1a\n0000000000000000"), "not an inkling model file"},
		{"newer version", edit(func(b []byte) []byte { b[6] = 2; return reseal(b) }), "version 2 of the format; this program reads version 1"},
		{"longer than the file", edit(func(b []byte) []byte { putU32(b[8:], uint32(len(b)+5)); return b }), "truncated"},
		{"trailing bytes", edit(func(b []byte) []byte {
			b = append(b[:len(b)-4], 0, 0, 0, 0, 0)
			putU32(b[8:], uint32(len(b)+4))
			return reseal(append(b, 0, 0, 0, 0))
		}), "unexpected bytes after the last tensor"},
		{"unknown layer type", edit(func(b []byte) []byte { b[12+1+3*4+2] = 9; return reseal(b) }), "unknown type code 9"},
		{"kernel too large for input", edit(func(b []byte) []byte {
			// conv2d layer: type, name len, "conv2d", act, init, filters(4), kh(2)
			off := 12 + 1 + 3*4 + 2 + 1 + 1 + len("conv2d") + 2 + 4
			b[off] = 40
			return reseal(b)
		}), "bad architecture"},
	}
	for i, tc := range tests {
		_, _, _, err := DecodeModel(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%d (%s): got error %v, want one containing %q", i, tc.name, err, tc.want)
		}
		var me *ModelError
		if err != nil && !errors.As(err, &me) {
			t.Errorf("%d (%s): error %T is not a *ModelError", i, tc.name, err)
		}
	}
}

func TestCheckIO(t *testing.T) {
	if err := CheckIO(Tutorial(), Shape{28, 28, 1}, 10); err != nil {
		t.Errorf("tutorial: %v", err)
	}
	err := CheckIO(tinyModelConfig(), Shape{28, 28, 1}, 10)
	if err == nil || !strings.Contains(err.Error(), "another architecture: it takes (6, 5, 2) inputs and gives (3,) outputs") {
		t.Errorf("small config: got %v", err)
	}
}

func TestCRC32(t *testing.T) {
	for i, s := range []string{"", "a", "inkling", strings.Repeat("0123456789", 1000)} {
		if got, want := crc32([]byte(s)), hashcrc.ChecksumIEEE([]byte(s)); got != want {
			t.Errorf("%d: crc32 = %08x, hash/crc32 says %08x", i, got, want)
		}
	}
}

func TestCommas(t *testing.T) {
	for i, tc := range []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {100000, "100,000"}, {542230, "542,230"}, {1234567, "1,234,567"},
		{7840016, "7,840,016"}, {-1234, "-1,234"}} {
		if got := commas(tc.n); got != tc.want {
			t.Errorf("%d: commas(%d) = %q, want %q", i, tc.n, got, tc.want)
		}
	}
}

func FuzzDecodeModel(f *testing.F) {
	cfg := tinyModelConfig()
	for i, opt := range []*EncodeOptions{nil, {QuantizeMin: 8, Bits: 4}, {QuantizeMin: -1}} {
		data, err := EncodeModel(cfg, randomParams(f, cfg, uint64(i)), opt)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		decodeRoundTrip(t, data)
		// The checksum stops almost every random change at the door; resealing
		// the length and checksum lets the fuzzer reach the decoder's insides.
		if len(data) >= 16 {
			sealed := append([]byte(nil), data...)
			putU32(sealed[8:], uint32(len(sealed)))
			putU32(sealed[len(sealed)-4:], crc32(sealed[:len(sealed)-4]))
			decodeRoundTrip(t, sealed)
		}
	})
}

// decodeRoundTrip checks that data, if it decodes, re-encodes (as float32)
// and decodes again to the same values.
func decodeRoundTrip(t *testing.T, data []byte) {
	cfg, params, _, err := DecodeModel(data)
	if err != nil {
		return
	}
	// A file that decodes must re-encode (as float32) and decode to the same values.
	again, err := EncodeModel(cfg, params, &EncodeOptions{QuantizeMin: -1})
	if err != nil {
		t.Fatalf("decoded model does not re-encode: %v", err)
	}
	_, params2, _, err := DecodeModel(again)
	if err != nil {
		t.Fatalf("re-encoded model does not decode: %v", err)
	}
	for i := range params {
		for j := range params[i].Value {
			if params[i].Value[j] != params2[i].Value[j] {
				t.Fatalf("%s[%d] changed in the round trip", params[i].Name, j)
			}
		}
	}
}

// TestLoadModel checks that a network saved and loaded computes what it did
// before: exactly with float32 storage, within the quantisation error with int8.
func TestLoadModel(t *testing.T) {
	cfg := tinyModelConfig()
	m, err := New(cfg, rand.New(rand.NewPCG(7, 7)))
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 4*cfg.Input.Size())
	rng := rand.New(rand.NewPCG(8, 8))
	for i := range x {
		x[i] = rng.Float32()
	}
	want := make([]float32, 4*3)
	m.Predict(want, x, 4)
	for i, tc := range []struct {
		opt *EncodeOptions
		tol float64
	}{{&EncodeOptions{QuantizeMin: -1}, 0}, {&EncodeOptions{QuantizeMin: 8}, 0.02}} {
		data, err := m.MarshalModel(tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		m2, _, err := LoadModel(data)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		got := make([]float32, len(want))
		m2.Predict(got, x, 4)
		for j := range want {
			if d := math.Abs(float64(got[j] - want[j])); d > tc.tol {
				t.Errorf("%d: output %d = %v after the round trip, want %v ± %g", i, j, got[j], want[j], tc.tol)
			}
		}
	}
}
