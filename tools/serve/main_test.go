package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lineWriter passes each write to a channel, so the test can read the URL
// that run prints.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

func TestRunServesAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>inkling"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := make(lineWriter, 1)
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, "127.0.0.1:0", dir, stdout, &stderr) }()

	var line string
	select {
	case line = <-stdout:
	case err := <-done:
		t.Fatalf("run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("run printed no URL")
	}
	_, url, ok := strings.Cut(line, " at ")
	url, _, _ = strings.Cut(url, " ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("run printed %q; want a loopback URL", line)
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "<p>inkling" {
		t.Errorf("GET %s: %d %q", url, res.StatusCode, body)
	}
	// The start-up warnings name the files that are not built yet.
	if !strings.Contains(stderr.String(), "web/inkling.wasm not found: run `make serve`") {
		t.Errorf("stderr lacks the missing-wasm hint:\n%s", stderr.String())
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not shut down")
	}
}

func TestRunRefusesADirWithoutThePage(t *testing.T) {
	err := run(context.Background(), "127.0.0.1:0", t.TempDir(), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "no index.html") {
		t.Errorf("run in an empty folder: %v, want a no index.html error", err)
	}
}

// TestSIGINT runs the command as a user does and presses Ctrl-C: it must
// exit cleanly (status 0) and say so.
func TestSIGINT(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "serve")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>inkling"), 0o644)
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "http://127.0.0.1:") {
		cmd.Process.Kill()
		t.Fatalf("first line %q (%v); stderr:\n%s", line, err, stderr.String())
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after SIGINT: %v (want exit status 0); stderr:\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("still running 10 s after SIGINT")
	}
}
