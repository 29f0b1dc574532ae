//go:build !js

package main

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// curve is one line of a history plot: a value per epoch (NaN where missing).
type curve struct {
	name   string
	values []float64
	dashed bool
	color  color.Color
}

var (
	blue   = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	orange = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	green  = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	purple = color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}
)

// writeHistoryPNG draws two panels side by side, loss and accuracy per epoch,
// like the tutorial's "summarize_diagnostics" plot.
func writeHistoryPNG(w io.Writer, loss, acc []curve) error {
	panels := []*plot.Plot{historyPanel("Cross-entropy loss", loss), historyPanel("Classification accuracy", acc)}
	img := vgimg.New(vg.Points(720), vg.Points(300))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Points(18), PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(6)}
	canvases := plot.Align([][]*plot.Plot{panels}, tiles, dc)
	for i, p := range panels {
		p.Draw(canvases[0][i])
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

func historyPanel(title string, curves []curve) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Legend.Top = title == "Cross-entropy loss" // falling loss leaves the top free, rising accuracy the bottom
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	maxEpoch := 1
	for _, c := range curves {
		var pts plotter.XYs
		for i, v := range c.values {
			if !math.IsNaN(v) {
				pts = append(pts, plotter.XY{X: float64(i + 1), Y: v})
			}
		}
		if len(pts) == 0 {
			continue
		}
		maxEpoch = max(maxEpoch, len(c.values))
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			continue
		}
		line.Color, points.Color = c.color, c.color
		line.Width = vg.Points(1.5)
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(2)
		if c.dashed {
			line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		}
		p.Add(line, points)
		p.Legend.Add(c.name, line, points)
	}
	p.X.Min, p.X.Max = 1, float64(maxEpoch)
	p.X.Tick.Marker = integerTicks{}
	return p
}

// integerTicks puts a tick on every whole epoch (every few when there are many).
type integerTicks struct{}

func (integerTicks) Ticks(lo, hi float64) []plot.Tick {
	step := max(1, int(math.Ceil((hi-lo)/10)))
	var ts []plot.Tick
	for x := int(math.Ceil(lo)); x <= int(hi); x += step {
		ts = append(ts, plot.Tick{Value: float64(x), Label: fmt.Sprint(x)})
	}
	return ts
}

// confusion is a 10×10 confusion matrix: counts[true][predicted].
type confusion [10][10]int

// grid adapts a confusion matrix to plotter.GridXYZ, coloured by the share
// of each true class (row) so that rare mistakes stay visible: the diagonal
// would otherwise swamp the scale.
type confusionGrid struct{ c *confusion }

func (g confusionGrid) Dims() (int, int) { return 10, 10 }
func (g confusionGrid) X(c int) float64  { return float64(c) }
func (g confusionGrid) Y(r int) float64  { return float64(r) }
func (g confusionGrid) Z(c, r int) float64 {
	// Rows are drawn bottom-up; put true class 0 at the top as in textbooks.
	t := 9 - r
	n := 0
	for _, v := range g.c[t] {
		n += v
	}
	if n == 0 || g.c[t][c] == 0 {
		return 0
	}
	// Log scale of the row share, so that one mistake in a thousand is still
	// seen: a share of 1/1000 or less maps to 0.15, a whole row to 1.
	share := float64(g.c[t][c]) / float64(n)
	return 0.15 + 0.85*max(0, math.Log10(1000*share))/3
}

// writeConfusionPNG draws the matrix with each cell's count written in it.
func writeConfusionPNG(w io.Writer, c *confusion, title string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "predicted digit"
	p.Y.Label.Text = "true digit"
	hm := plotter.NewHeatMap(confusionGrid{c}, whiteToBlue{})
	hm.Min, hm.Max = 0, 1
	hm.Underflow, hm.Overflow = color.White, whiteToBlue{}.Colors()[255]
	p.Add(hm)

	var xys plotter.XYs
	var labels []string
	for t := range 10 {
		for pr := range 10 {
			if c[t][pr] == 0 {
				continue
			}
			xys = append(xys, plotter.XY{X: float64(pr), Y: float64(9 - t)})
			labels = append(labels, fmt.Sprint(c[t][pr]))
		}
	}
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].XAlign = draw.XCenter
		lb.TextStyle[i].YAlign = draw.YCenter
		lb.TextStyle[i].Font.Size = vg.Points(8)
		x, y := int(xys[i].X), 9-int(xys[i].Y)
		if x == y {
			lb.TextStyle[i].Color = color.White
		}
	}
	p.Add(lb)
	names := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	p.NominalX(names...)
	rev := make([]string, 10)
	for i := range rev {
		rev[i] = names[9-i]
	}
	p.NominalY(rev...)
	wt, err := p.WriterTo(vg.Points(420), vg.Points(400), "png")
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return err
}

// whiteToBlue is a 256-step palette from white to a deep blue.
type whiteToBlue struct{}

func (whiteToBlue) Colors() []color.Color {
	cs := make([]color.Color, 256)
	for i := range cs {
		f := float64(i) / 255
		cs[i] = color.RGBA{
			R: uint8(255 - f*(255-0x08)),
			G: uint8(255 - f*(255-0x30)),
			B: uint8(255 - f*(255-0x6b)),
			A: 255,
		}
	}
	return cs
}

var _ palette.Palette = whiteToBlue{}
