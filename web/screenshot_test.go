//go:build !js

package web

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshot draws a held-out 4 on the page, on a desktop and on a
// phone, checks that it is read, and takes a screenshot of each. With
// INKLING_SCREENSHOT_DIR set it keeps them there (the README's pictures:
// INKLING_SCREENSHOT_DIR=docs go test ./web -run TestScreenshot).
func TestScreenshot(t *testing.T) {
	t.Parallel()
	for _, vp := range []viewport{desktop, phone} {
		t.Run(vp.name, func(t *testing.T) {
			t.Parallel()
			p := readyTab(t, vp, serve(t, nil)+"/")
			p.drawDigit(4)
			if a := p.answer(); a.Digit != "4" {
				t.Fatalf("a held-out 4 reads %+v", a)
			}
			shot, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != int(float64(vp.width)*vp.scale) {
				t.Errorf("screenshot is %v wide, want %v", b.Dx(), float64(vp.width)*vp.scale)
			}
			if dir := os.Getenv("INKLING_SCREENSHOT_DIR"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, "screenshot-"+vp.name+".png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
