// Command serve serves inkling's page from the repository root for local use
// and for checking it in a browser:
//
//	go run ./tools/serve [-addr 127.0.0.1:8080] [-dir .]
//
// It serves only index.html, sw.js, web/** and weights/*.bin (see package
// inkling/tools/serve/site), listens on the loopback interface unless told
// otherwise, warns at start-up about files the page needs but that are not
// built yet, and shuts down cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"inkling/tools/serve/site"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free one)")
	dir := flag.String("dir", ".", "the repository root, which holds index.html, web/ and weights/")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "serve: unexpected arguments:", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *dir, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

// run serves dir on addr until ctx is done, then shuts the server down,
// letting requests in flight finish for a few seconds. It prints the URL to
// stdout and warnings about missing files to stderr.
func run(ctx context.Context, addr, dir string, stdout, stderr io.Writer) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	fsys := root.FS()
	if _, err := fs.Stat(fsys, "index.html"); err != nil {
		return fmt.Errorf("no index.html in %s: run from the repository root or pass -dir", abs)
	}
	for _, msg := range site.Missing(fsys) {
		fmt.Fprintln(stderr, "serve: warning:", msg)
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           site.Handler(fsys),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	url := "http://" + ln.Addr().String() + "/"
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		fmt.Fprintln(stderr, "serve: warning: listening on all interfaces; other machines can reach this server")
		url = fmt.Sprintf("http://127.0.0.1:%d/", tcp.Port)
	}
	fmt.Fprintf(stdout, "serving %s at %s (Ctrl+C stops)\n", abs, url)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	return err
}
