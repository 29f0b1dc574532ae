;; inkling's WebAssembly SIMD kernels, for the browser.
;;
;; Go compiles to WebAssembly without SIMD, one number at a time. This small
;; module does the two heaviest loops of a prediction four numbers at a time
;; (3.5–4.7× faster for the network, 2.5–2.9× for the preprocessing, under
;; Node: BENCHMARKS.md), on Go's own buffers in Go's memory, which it
;; imports. Go hands it a descriptor (the addresses and sizes it needs)
;; through run(f, desc); see simd_js.go. Each function follows a Go function
;; step by step and gives its results (see each one); the Go code runs where
;; this module cannot (a browser without SIMD, natively, other shapes).
;;
;;   run(0, desc): net, the Predictor's conv2d, pooling and first dense
;;                 layer (nn/predict.go)
;;   run(1, desc): resample, the preprocessing's area averaging of an RGBA
;;                 box (mnist/ink/resample.go)
;;
;; Assembled into code.go by `go run ./tools/simd` (`make simd`).
(module
  (import "inkling" "memory" (memory 0))

  (func (export "run") (param $f i32) (param $d i32) (result i32)
    (if (result i32) (i32.eqz (local.get $f))
      (then (call $net (local.get $d)))
      (else (call $resample (local.get $d)))))

  ;; net is the Predictor's network up to the first dense layer's
  ;; pre-activation (nn/predict.go's steps 1 and 2, one pass):
  ;;
  ;;  1. conv2d and max_pooling2d, one pooled cell at a time, only where the
  ;;     cell's 4×4 input patch holds ink: each of the cell's four conv2d
  ;;     outputs sums its nine products in the kernel's order, starting from
  ;;     0, as the Go path does (which skips zero inputs, whose products add
  ;;     ±0 to the sum and so change nothing), then the maximum, bias and
  ;;     ReLU: the pooled values are Go's, bit for bit;
  ;;  2. the channels whose pooled value differs from blank (relu(bias)) are
  ;;     listed with their difference and their row of the first dense
  ;;     kernel;
  ;;  3. hidden = base + Σ difference · row, four rows a pass, in float32
  ;;     (the Go path sums in float64).
  ;;
  ;; It handles the tutorial's shapes: one input channel, a 3×3 kernel, 2×2
  ;; pooling, and channels and units in multiples of 4 (nn checks).
  ;;
  ;; Its descriptor at $d is fourteen i32s (byte
  ;; addresses in memory, and sizes):
  ;;   0 x       the input, H×W float32, row by row
  ;;   1 w       W, the input's width
  ;;   2 qh      the pooled rows…
  ;;   3 qw      …and columns
  ;;   4 cout    conv2d's channels
  ;;   5 units   the first dense layer's units
  ;;   6 krev    the conv2d kernel (3, 3, cout), each row of taps reversed
  ;;   7 bias    (cout) conv2d's bias
  ;;   8 blank   (cout) relu(bias)
  ;;   9 w1      (qh·qw·cout, units) the first dense kernel
  ;;  10 base    (units) the first dense pre-activation of a blank input
  ;;  11 hidden  (units) out: the first dense pre-activation
  ;;  12 list    scratch: 8 bytes a listed row, room for qh·qw·cout + 3
  ;;  13 cell    scratch: cout float32
  ;; It returns the number of rows listed (padding included).
  (func $net (param $d i32) (result i32)
    (local $x i32) (local $ws i32) (local $qh i32) (local $qw i32)
    (local $cout i32) (local $units i32) (local $krev i32) (local $bias i32)
    (local $blank i32) (local $w1 i32) (local $base i32) (local $hidden i32)
    (local $list i32) (local $cell i32)
    (local $qi i32) (local $qj i32) (local $p i32) (local $q i32) (local $pos i32)
    (local $c i32) (local $n i32) (local $row i32) (local $rowBytes i32) (local $dv f32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $x4 v128)
    (local $x5 v128) (local $x6 v128) (local $x7 v128) (local $x8 v128)
    (local $k0 i32) (local $k1 i32) (local $k2 i32) (local $k3 i32) (local $k4 i32)
    (local $k5 i32) (local $k6 i32) (local $k7 i32) (local $k8 i32)
    (local $s v128) (local $u i32) (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)

    (local.set $x (i32.load offset=0 (local.get $d)))
    (local.set $ws (i32.shl (i32.load offset=4 (local.get $d)) (i32.const 2)))
    (local.set $qh (i32.load offset=8 (local.get $d)))
    (local.set $qw (i32.load offset=12 (local.get $d)))
    (local.set $cout (i32.shl (i32.load offset=16 (local.get $d)) (i32.const 2)))
    (local.set $units (i32.shl (i32.load offset=20 (local.get $d)) (i32.const 2)))
    (local.set $krev (i32.load offset=24 (local.get $d)))
    (local.set $bias (i32.load offset=28 (local.get $d)))
    (local.set $blank (i32.load offset=32 (local.get $d)))
    (local.set $w1 (i32.load offset=36 (local.get $d)))
    (local.set $base (i32.load offset=40 (local.get $d)))
    (local.set $hidden (i32.load offset=44 (local.get $d)))
    (local.set $list (i32.load offset=48 (local.get $d)))
    (local.set $cell (i32.load offset=52 (local.get $d)))
    ;; ($cout and $units are in bytes from here on.)

    ;; Tap (a, b) of channel block c is at krev + (3a + 2 − b)·cout + c.
    (local.set $k0 (i32.add (local.get $krev) (i32.mul (i32.const 2) (local.get $cout))))
    (local.set $k1 (i32.add (local.get $krev) (i32.mul (i32.const 1) (local.get $cout))))
    (local.set $k2 (local.get $krev))
    (local.set $k3 (i32.add (local.get $krev) (i32.mul (i32.const 5) (local.get $cout))))
    (local.set $k4 (i32.add (local.get $krev) (i32.mul (i32.const 4) (local.get $cout))))
    (local.set $k5 (i32.add (local.get $krev) (i32.mul (i32.const 3) (local.get $cout))))
    (local.set $k6 (i32.add (local.get $krev) (i32.mul (i32.const 8) (local.get $cout))))
    (local.set $k7 (i32.add (local.get $krev) (i32.mul (i32.const 7) (local.get $cout))))
    (local.set $k8 (i32.add (local.get $krev) (i32.mul (i32.const 6) (local.get $cout))))
    ;; Each pooled cell's rows of w1 are cout·units floats: $rowBytes.
    (local.set $rowBytes (i32.mul (local.get $cout) (i32.shr_u (local.get $units) (i32.const 2))))
    (local.set $row (local.get $w1))

    ;; Steps 1 and 2.
    (local.set $qi (i32.const 0))
    (block $cellsDone (loop $rows
      (br_if $cellsDone (i32.ge_u (local.get $qi) (local.get $qh)))
      (local.set $qj (i32.const 0))
      (block $rowDone (loop $cols
        (br_if $rowDone (i32.ge_u (local.get $qj) (local.get $qw)))
        ;; $p: the top-left input of the cell's 4×4 patch, (2qi, 2qj).
        (local.set $p (i32.add (local.get $x)
          (i32.add (i32.mul (i32.shl (local.get $qi) (i32.const 1)) (local.get $ws))
                   (i32.shl (local.get $qj) (i32.const 3)))))
        (if (v128.any_true (v128.or
              (v128.or (v128.load (local.get $p))
                       (v128.load (i32.add (local.get $p) (local.get $ws))))
              (v128.or (v128.load (i32.add (local.get $p) (i32.shl (local.get $ws) (i32.const 1))))
                       (v128.load (i32.add (local.get $p) (i32.mul (local.get $ws) (i32.const 3)))))))
          (then
            ;; The running maximum, per channel, in $cell.
            (local.set $c (i32.const 0))
            (loop $fill
              (v128.store (i32.add (local.get $cell) (local.get $c)) (v128.const f32x4 -inf -inf -inf -inf))
              (br_if $fill (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 16))) (local.get $cout))))
            ;; The four conv2d outputs of the cell: (0,0), (0,1), (1,0), (1,1).
            (local.set $pos (i32.const 0))
            (loop $outputs
              (local.set $q (i32.add (local.get $p)
                (i32.add (i32.mul (i32.shr_u (local.get $pos) (i32.const 1)) (local.get $ws))
                         (i32.shl (i32.and (local.get $pos) (i32.const 1)) (i32.const 2)))))
              (local.set $x0 (f32x4.splat (f32.load offset=0 (local.get $q))))
              (local.set $x1 (f32x4.splat (f32.load offset=4 (local.get $q))))
              (local.set $x2 (f32x4.splat (f32.load offset=8 (local.get $q))))
              (local.set $q (i32.add (local.get $q) (local.get $ws)))
              (local.set $x3 (f32x4.splat (f32.load offset=0 (local.get $q))))
              (local.set $x4 (f32x4.splat (f32.load offset=4 (local.get $q))))
              (local.set $x5 (f32x4.splat (f32.load offset=8 (local.get $q))))
              (local.set $q (i32.add (local.get $q) (local.get $ws)))
              (local.set $x6 (f32x4.splat (f32.load offset=0 (local.get $q))))
              (local.set $x7 (f32x4.splat (f32.load offset=4 (local.get $q))))
              (local.set $x8 (f32x4.splat (f32.load offset=8 (local.get $q))))
              (local.set $c (i32.const 0))
              (loop $channels
                (local.set $s (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $k0) (local.get $c)))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x1) (v128.load (i32.add (local.get $k1) (local.get $c))))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x2) (v128.load (i32.add (local.get $k2) (local.get $c))))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x3) (v128.load (i32.add (local.get $k3) (local.get $c))))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x4) (v128.load (i32.add (local.get $k4) (local.get $c))))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x5) (v128.load (i32.add (local.get $k5) (local.get $c))))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x6) (v128.load (i32.add (local.get $k6) (local.get $c))))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x7) (v128.load (i32.add (local.get $k7) (local.get $c))))))
                (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $x8) (v128.load (i32.add (local.get $k8) (local.get $c))))))
                (v128.store (i32.add (local.get $cell) (local.get $c))
                  (f32x4.max (v128.load (i32.add (local.get $cell) (local.get $c))) (local.get $s)))
                (br_if $channels (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 16))) (local.get $cout))))
              (br_if $outputs (i32.lt_u (local.tee $pos (i32.add (local.get $pos) (i32.const 1))) (i32.const 4))))
            ;; Bias, ReLU, and the difference from blank.
            (local.set $c (i32.const 0))
            (loop $relu
              (v128.store (i32.add (local.get $cell) (local.get $c))
                (f32x4.sub
                  (f32x4.max
                    (f32x4.add (v128.load (i32.add (local.get $cell) (local.get $c)))
                               (v128.load (i32.add (local.get $bias) (local.get $c))))
                    (v128.const f32x4 0 0 0 0))
                  (v128.load (i32.add (local.get $blank) (local.get $c)))))
              (br_if $relu (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 16))) (local.get $cout))))
            ;; List the channels that differ (every one is written; only
            ;; those that differ are kept, without a branch).
            (local.set $c (i32.const 0))
            (loop $differ
              (local.set $dv (f32.load (i32.add (local.get $cell) (local.get $c))))
              (f32.store offset=0 (local.get $list) (local.get $dv))
              (i32.store offset=4 (local.get $list)
                (i32.add (local.get $row) (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (local.get $units))))
              (local.set $list (i32.add (local.get $list)
                (i32.shl (f32.ne (local.get $dv) (f32.const 0)) (i32.const 3))))
              (local.set $n (i32.add (local.get $n) (f32.ne (local.get $dv) (f32.const 0))))
              (br_if $differ (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 4))) (local.get $cout))))))
        (local.set $row (i32.add (local.get $row) (local.get $rowBytes)))
        (local.set $qj (i32.add (local.get $qj) (i32.const 1)))
        (br $cols)))
      (local.set $qi (i32.add (local.get $qi) (i32.const 1)))
      (br $rows)))

    ;; Pad the list to a multiple of four with rows that add nothing.
    (block $padded (loop $pad
      (br_if $padded (i32.eqz (i32.and (local.get $n) (i32.const 3))))
      (f32.store offset=0 (local.get $list) (f32.const 0))
      (i32.store offset=4 (local.get $list) (local.get $w1))
      (local.set $list (i32.add (local.get $list) (i32.const 8)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $pad)))

    ;; Step 3: hidden = base, then four listed rows a pass.
    (local.set $u (i32.const 0))
    (loop $copy
      (v128.store (i32.add (local.get $hidden) (local.get $u)) (v128.load (i32.add (local.get $base) (local.get $u))))
      (br_if $copy (i32.lt_u (local.tee $u (i32.add (local.get $u) (i32.const 16))) (local.get $units))))
    (local.set $list (i32.load offset=48 (local.get $d)))
    (local.set $c (local.get $n))
    (block $dense (loop $rows4
      (br_if $dense (i32.eqz (local.get $c)))
      (local.set $d0 (v128.load32_splat offset=0 (local.get $list)))
      (local.set $a0 (i32.load offset=4 (local.get $list)))
      (local.set $d1 (v128.load32_splat offset=8 (local.get $list)))
      (local.set $a1 (i32.load offset=12 (local.get $list)))
      (local.set $d2 (v128.load32_splat offset=16 (local.get $list)))
      (local.set $a2 (i32.load offset=20 (local.get $list)))
      (local.set $d3 (v128.load32_splat offset=24 (local.get $list)))
      (local.set $a3 (i32.load offset=28 (local.get $list)))
      (local.set $u (i32.const 0))
      (loop $units
        (v128.store (i32.add (local.get $hidden) (local.get $u))
          (f32x4.add (v128.load (i32.add (local.get $hidden) (local.get $u)))
            (f32x4.add
              (f32x4.add (f32x4.mul (local.get $d0) (v128.load (i32.add (local.get $a0) (local.get $u))))
                         (f32x4.mul (local.get $d1) (v128.load (i32.add (local.get $a1) (local.get $u)))))
              (f32x4.add (f32x4.mul (local.get $d2) (v128.load (i32.add (local.get $a2) (local.get $u))))
                         (f32x4.mul (local.get $d3) (v128.load (i32.add (local.get $a3) (local.get $u))))))))
        (br_if $units (i32.lt_u (local.tee $u (i32.add (local.get $u) (i32.const 16))) (local.get $units))))
      (local.set $list (i32.add (local.get $list) (i32.const 32)))
      (local.set $c (i32.sub (local.get $c) (i32.const 4)))
      (br $rows4)))
    (local.get $n))

  ;; resample is mnist/ink's area averaging of an RGBA box (resample.go),
  ;; in the other order: columns first (each output row's source rows, each
  ;; weighted by the parts of it the output row covers, summed column by
  ;; column, four columns at a time), then rows (each output pixel's
  ;; columns, weighted likewise). The sums are whole numbers, exact in
  ;; either order, so the box is Go's, bit for bit.
  ;;
  ;; Its descriptor at $d (byte addresses, and sizes; i32 but for f):
  ;;   0 src     the box's top-left pixel: RGBA bytes, the ink in alpha
  ;;   4 stride  bytes from one source row to the next
  ;;   8 bw      the box's width in pixels
  ;;  12 ow      output columns…
  ;;  16 oh      …and rows
  ;;  20 tx      ow taps over the columns, 24 bytes each (Go's tap: j0 and
  ;;  24 ty      j1 as int64, w0 and w1 as uint32); oh taps over the rows
  ;;  28 cols    scratch: bw uint32, rounded up to a multiple of 4
  ;;  32 out     ow×oh float32, row by row
  ;;  40 f       float64: 1 / (255 · long²), an output pixel's full ink
  ;; It returns 1.
  (func $resample (param $d i32) (result i32)
    (local $src i32) (local $stride i32) (local $bw i32) (local $ow i32) (local $oh i32)
    (local $tx i32) (local $ty i32) (local $cols i32) (local $out i32) (local $f f64)
    (local $k i32) (local $t i32) (local $j i32) (local $j0 i32) (local $j1 i32)
    (local $w0 i32) (local $w1 i32) (local $wt v128) (local $w i32) (local $row i32)
    (local $x i32) (local $bw4 i32) (local $sum i64) (local $mid i64)
    (local.set $src (i32.load offset=0 (local.get $d)))
    (local.set $stride (i32.load offset=4 (local.get $d)))
    (local.set $bw (i32.load offset=8 (local.get $d)))
    (local.set $ow (i32.load offset=12 (local.get $d)))
    (local.set $oh (i32.load offset=16 (local.get $d)))
    (local.set $tx (i32.load offset=20 (local.get $d)))
    (local.set $ty (i32.load offset=24 (local.get $d)))
    (local.set $cols (i32.load offset=28 (local.get $d)))
    (local.set $out (i32.load offset=32 (local.get $d)))
    (local.set $f (f64.load offset=40 (local.get $d)))
    (local.set $bw4 (i32.and (i32.add (local.get $bw) (i32.const 3)) (i32.const -4)))

    (local.set $k (i32.const 0))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $k) (local.get $oh)))
      ;; cols = Σ over the tap's source rows j of weight(j) · alpha(row j).
      (local.set $x (i32.const 0))
      (loop $clear
        (v128.store (i32.add (local.get $cols) (i32.shl (local.get $x) (i32.const 2))) (v128.const i32x4 0 0 0 0))
        (br_if $clear (i32.lt_u (local.tee $x (i32.add (local.get $x) (i32.const 4))) (local.get $bw4))))
      (local.set $t (i32.add (local.get $ty) (i32.mul (local.get $k) (i32.const 24))))
      (local.set $j0 (i32.load offset=0 (local.get $t)))
      (local.set $j1 (i32.load offset=8 (local.get $t)))
      (local.set $w0 (i32.load offset=16 (local.get $t)))
      (local.set $w1 (i32.load offset=20 (local.get $t)))
      (local.set $j (local.get $j0))
      (loop $sources
        ;; The first row weighs w0, the last (if another) w1, those between Box.
        (local.set $w (select (local.get $w1) (i32.const 20) (i32.eq (local.get $j) (i32.sub (local.get $j1) (i32.const 1)))))
        (local.set $w (select (local.get $w0) (local.get $w) (i32.eq (local.get $j) (local.get $j0))))
        (local.set $wt (i32x4.splat (local.get $w)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $j) (local.get $stride))))
        (local.set $x (i32.const 0))
        (block $tail (loop $quads
          (br_if $tail (i32.gt_u (i32.add (local.get $x) (i32.const 4)) (local.get $bw)))
          (v128.store (i32.add (local.get $cols) (i32.shl (local.get $x) (i32.const 2)))
            (i32x4.add (v128.load (i32.add (local.get $cols) (i32.shl (local.get $x) (i32.const 2))))
              (i32x4.mul (local.get $wt)
                (i32x4.shr_u (v128.load (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 24)))))
          (local.set $x (i32.add (local.get $x) (i32.const 4)))
          (br $quads)))
        (block $last (loop $singles
          (br_if $last (i32.ge_u (local.get $x) (local.get $bw)))
          (i32.store (i32.add (local.get $cols) (i32.shl (local.get $x) (i32.const 2)))
            (i32.add (i32.load (i32.add (local.get $cols) (i32.shl (local.get $x) (i32.const 2))))
              (i32.mul (local.get $w) (i32.load8_u offset=3 (i32.add (local.get $row) (i32.shl (local.get $x) (i32.const 2)))))))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $singles)))
        (br_if $sources (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $j1))))
      ;; Each output pixel of the row: its columns, weighted the same way.
      (local.set $t (local.get $tx))
      (local.set $x (i32.const 0))
      (block $pixelsDone (loop $pixels
        (br_if $pixelsDone (i32.ge_u (local.get $x) (local.get $ow)))
        (local.set $j0 (i32.load offset=0 (local.get $t)))
        (local.set $j1 (i32.load offset=8 (local.get $t)))
        (local.set $sum (i64.mul (i64.load32_u offset=16 (local.get $t))
          (i64.load32_u (i32.add (local.get $cols) (i32.shl (local.get $j0) (i32.const 2))))))
        (if (i32.gt_u (i32.sub (local.get $j1) (local.get $j0)) (i32.const 1))
          (then
            (local.set $mid (i64.const 0))
            (local.set $j (i32.add (local.get $j0) (i32.const 1)))
            (block $midDone (loop $middle
              (br_if $midDone (i32.ge_u (local.get $j) (i32.sub (local.get $j1) (i32.const 1))))
              (local.set $mid (i64.add (local.get $mid)
                (i64.load32_u (i32.add (local.get $cols) (i32.shl (local.get $j) (i32.const 2))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $middle)))
            (local.set $sum (i64.add (local.get $sum)
              (i64.add (i64.mul (i64.const 20) (local.get $mid))
                (i64.mul (i64.load32_u offset=20 (local.get $t))
                  (i64.load32_u (i32.add (local.get $cols) (i32.shl (i32.sub (local.get $j1) (i32.const 1)) (i32.const 2))))))))))
        (f32.store (local.get $out)
          (f32.min (f32.demote_f64 (f64.mul (f64.convert_i64_u (local.get $sum)) (local.get $f))) (f32.const 1)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $t (i32.add (local.get $t) (i32.const 24)))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br $pixels)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $rows)))
    (i32.const 1))
)
