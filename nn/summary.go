//go:build !js

// Summary is not in the WebAssembly build: the page has no use for it, and
// its strings package (with unicode's tables, which strings brings in) adds
// 2.6 KB, gzipped, to the page's download (measured, Go 1.26).

package nn

import (
	"strconv"
	"strings"
)

// Summary returns the table Keras's model.summary() prints (tf.keras 2.x's
// layout: columns at 0, 29 and 55 of a 65-character line, a field cut to its
// column), without trailing spaces:
//
//	Model: "sequential"
//	_________________________________________________________________
//	Layer (type)                 Output Shape              Param #
//	=================================================================
//	conv2d (Conv2D)              (None, 26, 26, 32)        320
//	…
//	Total params: 542,230
func (s *Sequential) Summary() string {
	const width = 65
	cols := [...]int{29, 55, width}
	var b strings.Builder
	row := func(fields ...string) {
		var line []byte
		for i, f := range fields {
			if i > 0 {
				line[len(line)-1] = ' ' // as Keras: the previous field keeps at least one space
			}
			line = append(line, f...)
			line = line[:min(len(line), cols[i])]
			for len(line) < cols[i] {
				line = append(line, ' ')
			}
		}
		b.WriteString(strings.TrimRight(string(line), " "))
		b.WriteByte('\n')
	}
	rule := func(c string) { b.WriteString(strings.Repeat(c, width) + "\n") }

	b.WriteString("Model: \"sequential\"\n")
	rule("_")
	row("Layer (type)", "Output Shape", "Param #")
	rule("=")
	infos, _ := s.cfg.Resolve() // s.cfg resolved once already
	total := 0
	for i, info := range infos {
		count := 0
		for _, p := range info.Params {
			count += Shape(p.Shape).Size()
		}
		total += count
		row(info.Name+" ("+kerasClass(info.Type)+")", batchShape(info.Out), strconv.Itoa(count))
		if i < len(infos)-1 {
			rule("_")
		}
	}
	rule("=")
	b.WriteString("Total params: " + commas(total) + "\n")
	b.WriteString("Trainable params: " + commas(total) + "\n")
	b.WriteString("Non-trainable params: 0\n")
	rule("_")
	return b.String()
}

// kerasClass is the Keras class of a layer type, as the summary shows it.
func kerasClass(typ string) string {
	switch typ {
	case TypeConv2D:
		return "Conv2D"
	case TypeMaxPooling2D:
		return "MaxPooling2D"
	case TypeFlatten:
		return "Flatten"
	case TypeDense:
		return "Dense"
	}
	return typ
}

// batchShape formats an output shape with Keras's batch dimension: (None, 13, 13, 32).
func batchShape(s Shape) string {
	b := []byte("(None")
	for _, d := range s {
		b = append(b, ", "...)
		b = strconv.AppendInt(b, int64(d), 10)
	}
	return string(append(b, ')'))
}
