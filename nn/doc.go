// Package nn is the Keras MNIST tutorial's convolutional network in Go,
// float32: a Sequential of Conv2D, MaxPooling2D, Flatten and Dense
// layers with ReLU and softmax, trained with sparse categorical cross-entropy
// and Adam. The same package runs natively (training) and compiled to
// WebAssembly (inference on the page).
//
// # Tensor layout
//
// Everything is a flat []float32, row-major, with Keras's layout, so that
// numbers line up with Keras and with the PyTorch reference in
// testdata/golden:
//
//	images, activations  (N, H, W, C)        NHWC
//	conv2d kernel        (KH, KW, Cin, Cout) HWIO
//	flatten output       (N, H·W·C)          in (row, column, channel) order: NHWC as is
//	dense kernel         (in, out)
//	biases               (out)
//	labels               []uint8, class indices (so at most 256 classes)
//
// A batch of N examples is N·InputShape().Size() values; Predict writes N·Classes().
//
// # Names
//
// Layers are named as Keras names them (conv2d, max_pooling2d, flatten, dense,
// dense_1, …; see Config.Resolve) and parameters after their layer:
// conv2d/kernel, conv2d/bias, dense/kernel, dense/bias, dense_1/kernel,
// dense_1/bias. Params returns them in that (layer) order, Param finds one by
// name. A model is rebuilt from its Config and parameter values with New(cfg,
// nil) and SetParams. Summary prints Keras's model.summary() table (not in
// the WebAssembly build).
//
// # Training
//
// New draws the kernels (he_uniform or glorot_uniform as configured, zeros for
// biases) from a *rand.Rand the caller passes. Gradients runs forward and
// backward on a batch and leaves every parameter's gradient in Param.Grad;
// TrainStep adds one step of the optimiser (Adam with Keras's defaults unless
// SetOptimizer replaced it); Fit loops over epochs and batches of a Dataset,
// shuffling each epoch, with callbacks per batch and per epoch that can stop
// it. The last layer's softmax is fused with the loss for training: the loss
// takes the logits and its gradient is (softmax − onehot)/N. Evaluate, Predict
// and PredictOne run inference; PredictOne allocates nothing once the model
// has run. Buffers are kept and reused across calls: a Sequential is not safe
// for concurrent use (use one per goroutine).
//
// # Reproducibility
//
// For a given seed everything is reproducible bit for bit on a given platform,
// whatever the number of threads: parallel work is cut into chunks fixed by
// the shapes alone, every output element is computed by one chunk in a fixed
// order, and sums across chunks are added in a fixed order. Natively every
// product is a chain of fused multiply-adds fixed by the shapes, the same bits
// from the AVX2 and the AVX-512 kernels; elsewhere (processors without AVX2,
// WebAssembly) Go loops round each product unless the compiler fuses it, so
// the last bits may differ.
// Training can stop after an epoch and resume to the same bits: save the
// parameters, Optimizer().State() and the state of the shuffling source (say a
// *rand.PCG, with MarshalBinary) in FitOptions.OnEpoch, then restore all three
// and call Fit with InitialEpoch set to the next epoch. Fit draws each epoch's
// order afresh from the identity with one Shuffle call, and nothing else draws
// from that generator. To stop within an epoch, save the shuffling source's
// state from before the epoch, and set InitialBatch as well.
//
// # Saving, and inference on the page
//
// MarshalModel and LoadModel write and read the model file (model.go, where
// its layout is written out byte by byte): the architecture, metadata and the
// parameters, large kernels as small integers with a scale per output channel.
// LoadPredictor reads the same file into a Predictor (predict.go): inference
// only, for the tutorial's family of networks, and sparse, so fast on a
// drawing: the blank pad's dense output is computed once, and a prediction
// adds only what the ink changes. The web page runs the Predictor; it gives
// the same answers as Sequential within float32 rounding. For a learner it
// also shows what each layer computes (Inside), which parts of a drawing
// moved the answer (Occlusion), and fine-tunes its last layer on a few
// examples with Adam (Teach, undone by Reset; finetune.go).
//
// # Threads
//
// Natively, large matrix products and per-image and per-chunk loops run on the
// calling goroutine and GOMAXPROCS−1 helper goroutines (at most 7), started on first use
// and then parked; no goroutine is started per call. Products go through one
// internal function, gemm (gemm.go): blocked for the caches, on micro-kernels
// in assembly (AVX-512 or AVX2 with FMA, chosen at run time; gemm_amd64.s) or
// in Go; the element-wise work of training (Adam, max pooling, im2col,
// transpositions) has AVX2 kernels too (kernels_amd64.s). Under WebAssembly
// (one thread) everything runs serially with plain loops, and the package
// imports nothing that would grow the page's download beyond what it uses
// (see TestWasmImports).
package nn
