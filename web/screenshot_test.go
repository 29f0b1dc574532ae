//go:build !js

package web

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

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
			time.Sleep(200 * time.Millisecond) // the bars move in 90 ms transitions
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
			keep(t, "screenshot-"+vp.name+".png", shot)
		})
	}
	// The learn section with "See inside" and "Why this answer?" open on the
	// same 4: every canvas in them drawn.
	t.Run("learn", func(t *testing.T) {
		t.Parallel()
		p := readyTab(t, desktop, serve(t, nil)+"/")
		p.drawDigit(4)
		eval[bool](p, `(() => {
  for (const id of ['learn-inside', 'learn-why']) document.getElementById(id).open = true;
  document.getElementById('learn-inside').scrollIntoView();
  return true;
})()`)
		blank, err := chromedp.Run(p.ctx, chromedp.Poll[int](`(() => {
  const cs = [...document.querySelectorAll('#learn-inside canvas, #learn-why canvas')];
  const blank = cs.filter((c) => !c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0));
  return cs.length > 0 && blank.length === 0 ? -1 : false;
})()`, chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil || blank != -1 {
			t.Fatalf("the open learn parts still have blank canvases after 10 s (%v)", err)
		}
		shot, err := chromedp.Run(p.ctx, chromedp.Screenshot("#learn"))
		if err != nil {
			t.Fatal(err)
		}
		keep(t, "screenshot-learn.png", shot)
	})
}

// keep writes a screenshot into $INKLING_SCREENSHOT_DIR, when it is set
// (a relative folder is taken from the repository's root, as the README's
// command gives it).
func keep(t *testing.T, name string, shot []byte) {
	if dir := os.Getenv("INKLING_SCREENSHOT_DIR"); dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(repoRoot(t), dir)
		}
		if err := os.WriteFile(filepath.Join(dir, name), shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
