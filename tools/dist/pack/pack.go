package pack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"

	"inkling/tools/serve/site"
)

// mapFS serves the site's files, as read, to the bundler.
func mapFS(files map[string][]byte) fs.FS {
	m := fstest.MapFS{}
	for p, d := range files {
		m[p] = &fstest.MapFile{Data: d}
	}
	return m
}

// Read returns the site's files from the repository at fsys, or an error
// that names every file the page needs and does not find, with what to do.
func Read(fsys fs.FS) (map[string][]byte, error) { return read(fsys, "") }

// read is Read, leaving out the folder skip (a slash-separated path in fsys:
// the output, when it is inside the repository, as with -out web/dist).
func read(fsys fs.FS, skip string) (map[string][]byte, error) {
	var missing []string
	for _, n := range site.Needs {
		if _, err := fs.Stat(fsys, n.Name); err != nil {
			h := n.Hint
			if strings.HasPrefix(n.Name, "web/") && (strings.HasSuffix(n.Name, ".wasm") || strings.HasSuffix(n.Name, "wasm_exec.js")) {
				h = hint(n.Name)
			}
			missing = append(missing, n.Name+" not found: "+h)
		}
	}
	if _, err := fs.Stat(fsys, "sw.js"); err != nil {
		missing = append(missing, "sw.js not found: run from the repository root or pass -dir")
	}
	if len(missing) > 0 {
		return nil, errors.New(strings.Join(missing, "; "))
	}
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(d.Name(), ".") || p == skip) {
				return fs.SkipDir
			}
			return nil
		}
		if !site.Allowed(p) { // what make serve serves: index.html, sw.js, web/**, weights/*.bin
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		files[p] = data
		return nil
	})
	return files, err
}

// A Result says what Build wrote.
type Result struct {
	Version string           // the version folder, v-HASH
	Files   map[string]int64 // every file of dist/ (slash-separated, relative to it) -> its size
	Single  *Single
}

// Single says what inkling.html holds.
type Single struct {
	Modules []string // bundled, dependencies first
	Scripts []string // classic scripts inlined
	Styles  []string // stylesheets inlined
	Data    []string // files inlined as data
	Bundle  string   // the bundled module's code
}

// Build reads the site from the repository at dir and writes dist into out,
// replacing what a previous build wrote there. out is written as a whole or
// not at all: the files go to a new folder beside it, which then takes its
// place. An out that holds anything else than a previous build's files is
// left alone, with an error.
func Build(dir, out string) (*Result, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("the repository: %w (pass -dir, or run from the repository root)", err)
	}
	defer root.Close()
	skip := ""
	if abs, err := filepath.Abs(dir); err == nil {
		if absOut, err := filepath.Abs(out); err == nil {
			if rel, err := filepath.Rel(abs, absOut); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
				skip = filepath.ToSlash(rel)
			}
		}
	}
	files, err := read(root.FS(), skip)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	dist, res, err := Make(files)
	if err != nil {
		return nil, err
	}
	return res, Write(out, dist)
}

// Make returns the files of dist/ for the site's files.
func Make(files map[string][]byte) (map[string][]byte, *Result, error) {
	dist, v, err := hosted(files)
	if err != nil {
		return nil, nil, err
	}
	html, in, err := single(files)
	if err != nil {
		return nil, nil, err
	}
	dist["inkling.html"] = html
	res := &Result{Version: v, Files: map[string]int64{}, Single: in}
	for p, d := range dist {
		res.Files[p] = int64(len(d))
	}
	return dist, res, nil
}

// ours reports whether a name at the top of dist/ is one Build writes.
func ours(name string) bool {
	switch name {
	case "index.html", "sw.js", "inkling.html", "inkling-pad.js":
		return true
	}
	return strings.HasPrefix(name, "v-")
}

// Write puts files (dist/'s, as Make returns them) into a new folder beside
// out, then swaps it in for out, which must be absent or hold only a previous
// build's files.
func Write(out string, files map[string][]byte) error {
	if entries, err := os.ReadDir(out); err == nil {
		for _, e := range entries {
			if !ours(e.Name()) {
				return fmt.Errorf("%s holds %s, which make dist does not write: refusing to replace the folder; move it away or choose another -out", out, e.Name())
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	parent := filepath.Dir(filepath.Clean(out))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".dist-new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, p := range sortedKeys(files) {
		dst := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, files[p], 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = tmp + "-old"
		if err := os.Rename(out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
