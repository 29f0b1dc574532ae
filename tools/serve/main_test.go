package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
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
