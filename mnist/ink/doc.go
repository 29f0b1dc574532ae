// Package ink turns a drawing into the network's input, an MNIST-style 28×28
// image, and draws pen strokes the way a web page's canvas does. It is the
// one place where preprocessing constants live: the web page calls it
// (compiled to WebAssembly) on every prediction, the trainer on pen digits.
//
// # Input
//
// An image is width×height pixels, row-major, rows top to bottom:
//
//   - FromRGBA: 4 bytes a pixel (R, G, B, A), as canvas ImageData. The ink is
//     the alpha channel: the page draws on a transparent canvas, so the pen's
//     colour and the page's theme do not matter.
//   - FromGray: 1 byte a pixel, 0 background, 255 full ink (MNIST's way).
//
// Each side must be 0..MaxSide and the bytes must be exactly width×height
// pixels; anything else is an error saying what was expected and what was
// given. These come from JavaScript, so they are errors, never panics. A dst
// shorter than Size×Size is the programmer's mistake and panics.
//
// # Output
//
// dst[:784] receives a Size×Size image, row-major (pixel (row r, column c) is
// dst[r*Size+c]), float32 in [0,1]: 0 background, 1 full ink, white on black
// like MNIST. On any error, dst is all zeros.
//
// # Steps
//
// As MNIST itself was made ("size-normalised to fit a 20×20 box preserving
// aspect ratio, with anti-aliasing, then centred in 28×28 by centre of mass"):
//
//  1. The ink's bounding box: pixels of at least Faint (8 of 255). Fainter
//     pixels, such as anti-aliasing haze or a stray faint speck, do not
//     stretch the box; inside the box they count as ink.
//  2. No ink? See below.
//  3. Scale the box so its longer side is Box (20) pixels, keeping the aspect
//     ratio, by true area averaging: each output pixel is the mean of the
//     source area it covers, partly covered source pixels weighted by the
//     part covered, in exact integer arithmetic (in 1/20ths of a pixel).
//     The shorter side covers ⌈short·20/long⌉ pixels, its last one partly.
//     Rows first, then columns, so the cost is proportional to the box's
//     pixels; the blank rows and margins around the box are skimmed 8 bytes
//     at a time.
//  4. Contrast: the ink is scaled so that its ContrastQuantile (70th
//     percentile) reaches full ink: at least its brightest 30% saturate
//     (clipped at 1). Ink is only ever strengthened, never weakened.
//  5. Centre: the box is placed in 28×28, moved by whole pixels so that its
//     centre of mass lands within half a pixel of row and column Centre (14)
//     in pixel-index coordinates; a box that would then cross the frame is
//     moved back inside instead (ink is never cut).
//
// # Conventions, measured on MNIST
//
// Centre: the mean centre of mass of the 60,000 MNIST training images is
// (row 13.996, column 14.007) in pixel-index coordinates (pixel i at
// coordinate i), with standard deviations of 0.289 (rows) and 0.291
// (columns): that of a uniform spread over one pixel (1/√12 = 0.2887), the
// mark of whole-pixel shifts. So the centre is 14 and the shift is by whole
// pixels, as MNIST's: strokes stay as sharp as the scaling left them, and
// MNIST images pass through nearly unchanged (below). The ink box of all but
// 13 of those images is 20 pixels on its longer side.
//
// Contrast: area averaging a pen stroke drawn large, or with a thin pen,
// gives grey strokes, while MNIST strokes have a saturated core (half of
// MNIST's training images, 28,648, have 30% or more of their ink at 253 of
// 255 or above). Measured once (over a minute of computing: not a test)
// with a 3-nearest-neighbour classifier (Euclidean distance, majority vote,
// the nearest breaking a three-way tie) over the first 10,000 MNIST
// training images, on the first 500 pen digits of
// data/pendigits-train-strokes.json drawn centred on a 280-pixel pad, right
// answers without → with the contrast step: the page's pen at 2/3 of the pad
// 86.8% → 87.0%, at 9/10 82.4% → 83.8%, at 3/10 80.6% → 80.6%; half that pen
// at 2/3 65.2% → 78.0%, at 9/10 38.8% → 68.6%. Scaling the brightest pixel
// to 1 instead helped less (67.8% and 53.8% for the thin pen); the median (a
// 50% quantile) helped thin pens more (82.6%, 75.6%) but changes MNIST
// itself 4.7 times as much. The 10,000 MNIST test images passed through
// FromGray differ from the originals by 0.0026 a pixel on average (0.00005
// without the contrast step); the contrast step strengthens half of them
// (5,031) by more than 1%.
//
// Every figure in this section but the classifier's is measured by
// TestMNISTConventions and TestMNISTStaysMNIST, which fail if one drifts.
//
// # No ink
//
// ErrNoInk (dst all zeros) when, with L the canvas's longer side in pixels:
//
//   - no pixel reaches Faint: blank, or only faint haze (or a 0×0 image);
//   - the box's longer side is below L/MinSpanDiv (L/10): a tap, a dot of
//     the page's pen (7% of the pad), a speck;
//   - the ink, counted in fully inked pixels, is below L²/MinMassDiv
//     (L²/2000; 39 pixels on a 280-pixel pad): specks far apart, a faint
//     hairline.
//
// # Pen
//
// Rasterize draws strokes as a canvas 2D context strokes a path per stroke
// (moveTo/lineTo) with lineWidth w, round caps and joins, and opaque ink:
// coverage with a one-pixel anti-aliasing ramp, the union within a stroke,
// strokes laid over each other. Points are in pixels, x right, y down, pixel
// (i, j) covering [i, i+1)×[j, j+1). PenWidth is the web page's pen, 7% of
// the pad's side; drawn at 2/3 of the pad it is 1.9 pixels wide in 28×28
// (MNIST's 1s measure 3.1 across their middle row, their slant included;
// TestPenWidthOnPage and TestMNISTConventions measure both). Bounds,
// Transform and Fit place strokes on a canvas.
//
// # Cost
//
// A Preprocessor allocates nothing after its first call; FromRGBA and
// FromGray take one from a pool. See the benchmarks (a digit on a 280×280
// RGBA canvas) for the time.
package ink
