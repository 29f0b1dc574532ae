// Command dist builds inkling for any static host, and as one file.
//
//	go run ./tools/dist [-dir .] [-out dist]    (make dist builds the wasm first)
//
// It reads the site from the repository — what make serve serves: index.html,
// sw.js, web/…, weights/*.bin — and writes:
//
//	dist/index.html          the page, pointing into v-HASH/
//	dist/sw.js               the service worker: its VERSION ends in HASH, and
//	                         the files it keeps are those in v-HASH/
//	dist/inkling-pad.js      the <inkling-pad> element under a name that stays
//	                         the same: it re-exports v-HASH/web/inkling-pad.js
//	dist/v-HASH/web/…        everything else, in the site's own layout
//	dist/v-HASH/weights/…
//	dist/inkling.html        the whole page in one file, for file:// with no
//	                         network
//
// Upload dist/ to any folder of any static host; every URL is relative and
// no header is needed.
//
// # Why a version folder
//
// HASH is the start of a SHA-256 over every shipped file, so any change gives
// a new folder, and a file's URL never serves two contents. A browser's cache
// (HTTP or the worker's) can then never mix an old wasm with new weights or
// scripts: index.html names one folder, and everything in it belongs
// together. index.html and sw.js stay at the top because their URLs are the
// ones people and browsers know (a service worker also controls only pages
// at or below its own folder). After a deploy the worker fetches the new
// index.html first (network first), which names the new folder; the new
// sw.js differs, so the browser installs it, it keeps the new folder's files
// in a new cache and deletes the old cache. Uploading over the previous
// deploy leaves its v-* folder in place, so a page opened just before keeps
// working; delete old folders whenever you like.
//
// Moving the files one folder down changes only references from them to the
// top (web/app.js registers ../sw.js, the manifest's start_url is
// ../index.html): those get one more ../. See pack.relocate for the one
// ambiguity, the site's folder itself.
//
// # The single file
//
// inkling.html is index.html with its stylesheets in <style>, wasm_exec.js
// in a classic <script>, the ES modules joined into one inline module (see
// pack/bundle.go for what the bundler accepts), the icon as a data: URL, and
// every .wasm and .bin of the site as
//
//	<script type="application/octet-stream" data-inkling="web/inkling.wasm">BASE64 of gzip -9</script>
//
// which web/engine.js decodes instead of fetching. Its Content-Security-Policy
// is the page's with 'self' replaced by the SHA-256 of each inline script and
// style ('wasm-unsafe-eval' stays; no 'unsafe-inline'). When node is on PATH,
// the bundled module is also checked with node --check.
//
// The output folder is replaced as a whole, and only if it holds nothing but
// a previous build's files.
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"inkling/tools/dist/pack"
)

func main() {
	dir := flag.String("dir", ".", "the repository: the folder that holds index.html, sw.js, web/ and weights/")
	out := flag.String("out", "dist", "the folder to write (replaced as a whole)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "dist: unexpected argument %q (flags: -dir, -out)\n", flag.Arg(0))
		os.Exit(2)
	}
	res, err := pack.Build(*dir, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
	if err := nodeCheck(res.Single.Bundle); err != nil {
		fmt.Fprintln(os.Stderr, "dist: the single file's bundled module does not parse:", err)
		os.Exit(1)
	}
	report(*out, res)
}

// nodeCheck parses the bundled module with node --check, when node is
// there.
func nodeCheck(code string) error {
	node, err := exec.LookPath("node")
	if err != nil {
		fmt.Println("note: node is not on PATH, so the bundled module was checked only by the bundler's own reading")
		return nil
	}
	f, err := os.CreateTemp("", "inkling-bundle-*.mjs")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(code); err != nil {
		return err
	}
	f.Close()
	if msg, err := exec.Command(node, "--check", f.Name()).CombinedOutput(); err != nil {
		return fmt.Errorf("%v\n%s", err, msg)
	}
	return nil
}

// report prints what was written, with sizes raw and compressed by Go's
// compress/gzip at its best level, which is what the single file's inline
// data holds. (GNU gzip -9, which TestDownloadBudget uses as a static host
// would, differs by a few per cent either way: the wasm 1% larger here, the
// weights 4% smaller.)
func report(out string, res *pack.Result) {
	fmt.Printf("%s/ (version %s):\n", out, res.Version)
	fmt.Printf("  %-44s %12s %12s\n", "file", "bytes", "Go gzip -9")
	var total, totalGz int64
	for _, p := range slices.Sorted(maps.Keys(res.Files)) {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil {
			fmt.Fprintln(os.Stderr, "dist:", err)
			os.Exit(1)
		}
		gz := int64(len(pack.Gzip9(data)))
		fmt.Printf("  %-44s %12s %12s\n", p, commas(int64(len(data))), commas(gz))
		if p != "inkling.html" {
			total += int64(len(data))
			totalGz += gz
		}
	}
	fmt.Printf("  %-44s %12s %12s\n", "all but inkling.html", commas(total), commas(totalGz))
	fmt.Printf("inkling.html: %s bytes; holds %s; %s; %s; data %s\n", commas(res.Files["inkling.html"]),
		strings.Join(res.Single.Modules, ", "), strings.Join(res.Single.Scripts, ", "),
		strings.Join(res.Single.Styles, ", "), strings.Join(res.Single.Data, ", "))
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
