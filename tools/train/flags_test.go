//go:build !js

package main

import (
	"io"
	"strings"
	"testing"
)

func TestFlags(t *testing.T) {
	for i, tc := range []struct {
		args []string
		want string // error text; empty for none
	}{
		{nil, ""},
		{[]string{"-tutorial"}, ""},
		{[]string{"-tutorial", "-strokes", "x.json"}, "does not combine with -strokes"},
		{[]string{"-tutorial", "-augment=false"}, "does not combine with -augment"},
		{[]string{"-epochs", "0"}, "train at least one epoch"},
		{[]string{"-batch", "-3"}, "a batch holds at least one example"},
		{[]string{"-lr", "-1"}, "must be a positive number"},
		{[]string{"-lr", "NaN"}, "must be a positive number"},
		{[]string{"-lr-decay", "1.5"}, "must be in (0, 1]"},
		{[]string{"-bits", "9"}, "must be 2..8"},
		{[]string{"-val-writers", "30-26"}, "want a range of writer numbers"},
		{[]string{"-val-mnist", "60000"}, "must be 0..59999"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"-nosuchflag"}, "flag provided but not defined"},
	} {
		_, err := parseFlags(tc.args, io.Discard)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%d: %q: %v", i, tc.args, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%d: %q: got %v, want an error containing %q", i, tc.args, err, tc.want)
		}
	}
	o, _ := parseFlags([]string{"-tutorial"}, io.Discard)
	if o.epochs != 10 || o.batch != 32 || o.lr != 1e-3 || o.strokes != "" || o.augment || o.lrDecay != 1 || o.valMNIST != 0 || o.out != "weights/tutorial.bin" {
		t.Errorf("-tutorial is not the tutorial's recipe: %+v", *o)
	}
	o, _ = parseFlags(nil, io.Discard)
	if o.out != "weights/model.bin" || o.checkpoint != "weights/model.ckpt" {
		t.Errorf("default outputs: %s, %s", o.out, o.checkpoint)
	}
}
