//go:build !js

package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"inkling/mnist"
	"inkling/nn"
)

// These tests run the trainer as a user does, as a separate process, on a
// small slice of MNIST (a few seconds an epoch).

var (
	buildOnce sync.Once
	trainBin  string
	buildErr  error
)

// trainer builds the command once per test run.
func trainer(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "js" {
		t.Skip("the trainer is a native command")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "inkling-train-test-")
		if err != nil {
			buildErr = err
			return
		}
		trainBin = filepath.Join(dir, "train")
		out, err := exec.Command("go", "build", "-o", trainBin, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("building the trainer: %v", buildErr)
	}
	return trainBin
}

var (
	smallOnce sync.Once
	smallDir  string
	smallErr  error
)

// smallMNIST writes the first 2,400 training and 500 test images of MNIST as
// IDX files into a folder the trainer's -data flag can read.
func smallMNIST(t *testing.T) string {
	t.Helper()
	smallOnce.Do(func() {
		train, test, err := mnist.LoadData()
		if err != nil {
			smallErr = err
			return
		}
		smallDir, smallErr = os.MkdirTemp("", "inkling-small-mnist-")
		if smallErr != nil {
			return
		}
		for _, f := range []struct {
			set  *mnist.Set
			n    int
			name string
		}{{train, 2400, "train"}, {test, 500, "t10k"}} {
			s := f.set.Slice(0, f.n)
			var img, lbl bytes.Buffer
			if err := mnist.WriteImages(&img, s.Images, s.Rows, s.Cols); err != nil {
				smallErr = err
				return
			}
			if err := mnist.WriteLabels(&lbl, s.Labels); err != nil {
				smallErr = err
				return
			}
			os.WriteFile(filepath.Join(smallDir, f.name+"-images-idx3-ubyte"), img.Bytes(), 0o644)
			os.WriteFile(filepath.Join(smallDir, f.name+"-labels-idx1-ubyte"), lbl.Bytes(), 0o644)
		}
	})
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallDir
}

func TestMain(m *testing.M) {
	if path := os.Getenv("INKLING_TEST_SLOW_WRITE"); path != "" {
		slowWrite(path) // the child of TestKilledWriteKeepsOldFile; killed mid-way
		os.Exit(0)
	}
	code := m.Run()
	if trainBin != "" {
		os.RemoveAll(filepath.Dir(trainBin))
	}
	if smallDir != "" {
		os.RemoveAll(smallDir)
	}
	os.Exit(code)
}

// smallArgs trains 3 epochs on the small set, writing into dir.
func smallArgs(t *testing.T, dir string, extra ...string) []string {
	return append([]string{"-data", smallMNIST(t), "-val-mnist", "200", "-strokes", "", "-epochs", "3", "-seed", "7",
		"-out", filepath.Join(dir, "model.bin")}, extra...)
}

func params(t *testing.T, path string) []*nn.Param {
	t.Helper()
	m, _, err := loadModelFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return m.Params()
}

// TestInterruptAndResume stops a run with Ctrl-C (SIGINT) in the middle of
// its second epoch and resumes it: the weights must be exactly those of a
// run that was never stopped.
func TestInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three small epochs three times")
	}
	bin := trainer(t)
	a, b := t.TempDir(), t.TempDir()
	if out, err := exec.Command(bin, smallArgs(t, a)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, smallArgs(t, b)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "Epoch 2/3") {
			cmd.Process.Signal(os.Interrupt)
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 || !strings.Contains(log.String(), "Interrupted: saved") {
		t.Fatalf("interrupted run: %v (want exit status 130 and a saved checkpoint)\n%s%s", err, log.String(), stderr.String())
	}
	if _, err := os.Stat(filepath.Join(b, "model.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the interrupted run wrote a model file: %v", err)
	}
	t.Logf("interrupted: %s", lastLine(log.String()))

	out, err := exec.Command(bin, smallArgs(t, b, "-resume")...).CombinedOutput()
	if err != nil {
		t.Fatalf("resumed run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Resuming from") {
		t.Errorf("the resumed run does not say it resumed:\n%s", out)
	}
	pa, pb := params(t, filepath.Join(a, "model.bin")), params(t, filepath.Join(b, "model.bin"))
	for i := range pa {
		for j, v := range pa[i].Value {
			if pb[i].Value[j] != v {
				t.Fatalf("%s[%d] = %v after resuming, %v uninterrupted", pa[i].Name, j, pb[i].Value[j], v)
			}
		}
	}

	// A resume with other flags is refused, naming both.
	out, err = exec.Command(bin, smallArgs(t, b, "-resume", "-lr", "0.01")...).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "was made with other flags") {
		t.Errorf("resume with another -lr: %v\n%s", err, out)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestNaNStops trains with an absurd learning rate: the loss overflows, and
// the trainer must stop with a clear message, write no model, and leave the
// checkpoint already on disk alone.
func TestNaNStops(t *testing.T) {
	bin := trainer(t)
	dir := t.TempDir()
	ckpt := filepath.Join(dir, "model.ckpt")
	old := []byte("an earlier checkpoint")
	if err := os.WriteFile(ckpt, old, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, smallArgs(t, dir, "-lr", "1e30")...).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("got %v, want exit status 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "the loss became") || !strings.Contains(string(out), "try a lower -lr") {
		t.Errorf("no clear message:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "model.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a model file was written: %v", err)
	}
	if got, _ := os.ReadFile(ckpt); !bytes.Equal(got, old) {
		t.Errorf("the checkpoint on disk changed")
	}
}

// slowWrite replaces path through writeAtomic with 64 MB written slowly, so
// that the test can kill the process in the middle.
func slowWrite(path string) {
	chunk := bytes.Repeat([]byte("new "), 1<<18) // 1 MB
	writeAtomic(path, func(w io.Writer) error {
		for range 64 {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
			time.Sleep(20 * time.Millisecond)
		}
		return nil
	})
}

// TestKilledWriteKeepsOldFile kills (SIGKILL) a process while it writes a
// file with writeAtomic, as the trainer writes models and checkpoints: the
// old file must be there, whole.
func TestKilledWriteKeepsOldFile(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("needs processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "model.bin")
	old := []byte("the previous model")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "INKLING_TEST_SLOW_WRITE="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the temporary file has a few megabytes, then kill.
	deadline := time.Now().Add(20 * time.Second)
	for {
		tmps, _ := filepath.Glob(filepath.Join(dir, ".model.bin.tmp-*"))
		if len(tmps) == 1 {
			if fi, err := os.Stat(tmps[0]); err == nil && fi.Size() > 3<<20 {
				break
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the child never started writing")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, old) {
		t.Fatalf("after the kill, %s holds %d bytes (%v), want the previous file", path, len(got), err)
	}

	// Without a kill, the new file replaces the old one whole.
	slowWrite(path)
	if fi, err := os.Stat(path); err != nil || fi.Size() != 64<<20 {
		t.Fatalf("after a complete write: %v, %v", fi, err)
	}
}

// TestWriteAtomicError: a write that fails leaves the old file and no temporary.
func TestWriteAtomicError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.bin")
	os.WriteFile(path, []byte("old"), 0o644)
	err := writeAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half of the new"))
		return errors.New("disk full")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file holds %q", got)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, ".*")); len(tmps) > 0 {
		t.Errorf("temporary files left: %v", tmps)
	}
}
