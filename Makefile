# inkling — common tasks. `make help` lists them.
GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
ADDR      ?= 127.0.0.1:8080
# go test under GOOS=js GOARCH=wasm runs the tests in Node through the go_js_wasm_exec on
# PATH: Go's own (GOROOT/lib/wasm) for a plain build, wasm/node's for a build with the
# wasmsimd tag, whose SIMD kernels (internal/simd) need two more imports.
GO_WASM_PATH   := $(GOROOT)/lib/wasm:$(PATH)
SIMD_WASM_PATH := $(CURDIR)/wasm/node:$(PATH)
# Packages that also compile to WebAssembly; their tests run under Node too.
WASM_PKGS := ./internal/... ./mnist/... ./nn/... ./wasm/...

# How web/inkling.wasm is built. The page's whole first visit must stay under
# 1 MB gzip and the wasm under 600 KB (see BENCHMARKS.md), and Go's runtime
# alone is 571 KB, so: no symbol tables (-s -w) or build ID, no inlining in
# the standard library (-l, 22 KB less; our own packages keep it, they hold
# the hot loops), no bounds checks in the standard library (-B, 11 KB less;
# our own packages keep theirs, so a bug in inkling's code still panics and
# is answered as {error}), and Go's previous garbage collector
# (GOEXPERIMENT=nogreenteagc, 14 KB less; the default until Go 1.26, and a
# page's heap is a few MB). The wasmsimd tag builds in the WebAssembly SIMD
# kernels (internal/simd), which web/engine.js gives their imports.
WASM_ENV   := GOOS=js GOARCH=wasm GOEXPERIMENT=nogreenteagc
WASM_FLAGS := -tags wasmsimd -trimpath -ldflags="-s -w -buildid=" -gcflags="all=-l -B" -gcflags=inkling/...=

.PHONY: help test vet test-native test-wasm wasm simd serve dist train tutorial bench bench-page fuzz clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test: vet test-native test-wasm ## everything CI runs: vet, native tests, wasm tests under Node

vet: ## gofmt, go vet (native and wasm)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_PKGS)
	GOOS=js GOARCH=wasm $(GO) vet -tags wasmsimd $(WASM_PKGS)

test-native: wasm ## go test ./... (native; the page tests use the built wasm)
	$(GO) test ./...

test-wasm: ## the wasm-capable packages' tests, compiled to wasm, run in Node: with the SIMD kernels (as the page) and without
	PATH="$(SIMD_WASM_PATH)" GOROOT="$(GOROOT)" GOMODCACHE="$$($(GO) env GOMODCACHE)" GOOS=js GOARCH=wasm $(GO) test -tags wasmsimd $(WASM_PKGS)
	PATH="$(GO_WASM_PATH)" GOMODCACHE="$$($(GO) env GOMODCACHE)" GOOS=js GOARCH=wasm $(GO) test $(WASM_PKGS)

wasm: ## build web/inkling.wasm and copy the matching wasm_exec.js beside it
	$(WASM_ENV) $(GO) build $(WASM_FLAGS) -o web/inkling.wasm ./wasm
	cp "$(GOROOT)/lib/wasm/wasm_exec.js" web/wasm_exec.js

simd: ## assemble nn/simd.wat (the network in WebAssembly SIMD) into nn/simd_code.go; needs wat2wasm (wabt)
	$(GO) run ./tools/simd

serve: wasm ## build the wasm, then serve the page at http://$(ADDR)/
	$(GO) run ./tools/serve -addr $(ADDR)

dist: wasm ## dist/ for any static host (index.html, sw.js, v-HASH/…) and dist/inkling.html, one file for file://
	$(GO) run ./tools/dist -out dist

train: ## train the shipped weights (weights/model.bin) with the recipe in weights/README.md
	$(GO) run ./tools/train -report report

tutorial: ## the Keras tutorial's exact recipe (writes weights/tutorial.bin, not the shipped weights)
	$(GO) run ./tools/train -tutorial -report report/tutorial

bench: ## benchmarks of the network and the preprocessing
	$(GO) test -run XXX -bench . -benchmem ./nn/ ./mnist/ink/

bench-page: wasm ## the page in headless Chromium: time to ready, one prediction (see BENCHMARKS.md)
	$(GO) test -run XXX -bench . -benchtime 1x ./web/ ./wasm/

fuzz: ## run each fuzz target for FUZZTIME (default 1m)
	$(GO) test -run XXX -fuzz FuzzDecode -fuzztime $(or $(FUZZTIME),1m) ./mnist/
	$(GO) test -run XXX -fuzz FuzzDecodeModel -fuzztime $(or $(FUZZTIME),1m) ./nn/
	$(GO) test -run XXX -fuzz FuzzFromRGBA -fuzztime $(or $(FUZZTIME),1m) ./mnist/ink/

clean: ## remove build outputs
	rm -f web/inkling.wasm web/wasm_exec.js
	rm -rf dist
