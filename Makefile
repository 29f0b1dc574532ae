# inkling — common tasks. `make help` lists them.
GO        ?= go
GOROOT    := $(shell $(GO) env GOROOT)
# go test under GOOS=js GOARCH=wasm runs the tests in Node through this folder's go_js_wasm_exec.
WASM_PATH := $(GOROOT)/lib/wasm:$(PATH)
# Packages that also compile to WebAssembly; their tests run under Node too.
WASM_PKGS := ./mnist/... ./nn/...

.PHONY: help test vet test-native test-wasm

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test: vet test-native test-wasm ## everything CI runs: vet, native tests, wasm tests under Node

vet: ## gofmt, go vet (native and wasm)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_PKGS)

test-native: ## go test ./... (native)
	$(GO) test ./...

test-wasm: ## the wasm-capable packages' tests, compiled to wasm, run in Node
	PATH="$(WASM_PATH)" GOMODCACHE="$$($(GO) env GOMODCACHE)" GOOS=js GOARCH=wasm $(GO) test $(WASM_PKGS)
