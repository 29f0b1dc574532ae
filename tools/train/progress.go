//go:build !js

package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress prints Keras-style training progress:
//
//	Epoch 3/10
//	1100/1875 [=================>............] - ETA: 7s - loss: 0.0412 - accuracy: 0.9871
//
// On a terminal the line is redrawn in place a few times a second; otherwise
// (a log file, CI) a line is printed every tenth of the epoch, so the log
// shows progress without thousands of lines.
type progress struct {
	w        io.Writer
	terminal bool
	start    time.Time // of the epoch
	last     time.Time // of the last line drawn
	lastTick int       // last tenth printed (not a terminal)
	width    int       // of the previous line, to blank it out
}

func (p *progress) beginEpoch(epoch, epochs int) {
	fmt.Fprintf(p.w, "Epoch %d/%d\n", epoch+1, epochs)
	p.start, p.last, p.lastTick, p.width = time.Now(), time.Time{}, 0, 0
}

// batch reports that done of total batches are finished.
func (p *progress) batch(done, total int, loss, acc float64) {
	now := time.Now()
	if done >= total && !p.terminal {
		return // endEpoch prints the epoch's last line
	}
	if done < total {
		if p.terminal && now.Sub(p.last) < 150*time.Millisecond {
			return
		}
		if !p.terminal {
			tick := done * 10 / total
			if tick == p.lastTick {
				return
			}
			p.lastTick = tick
		}
	}
	p.last = now
	elapsed := now.Sub(p.start)
	eta := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
	line := fmt.Sprintf("%*d/%d %s - ETA: %s - loss: %.4f - accuracy: %.4f",
		len(fmt.Sprint(total)), done, total, bar(done, total), seconds(eta), loss, acc)
	p.print(line, false)
}

// endEpoch finishes the epoch's line with its time and the figures after it.
func (p *progress) endEpoch(total int, loss, acc float64, extra string) time.Duration {
	elapsed := time.Since(p.start)
	line := fmt.Sprintf("%d/%d %s - %s %s/step - loss: %.4f - accuracy: %.4f%s",
		total, total, bar(total, total), seconds(elapsed), perStep(elapsed, total), loss, acc, extra)
	p.print(line, true)
	return elapsed
}

func (p *progress) print(line string, final bool) {
	if p.terminal {
		pad := ""
		if n := p.width - len(line); n > 0 {
			pad = strings.Repeat(" ", n)
		}
		fmt.Fprintf(p.w, "\r%s%s", line, pad)
		p.width = len(line)
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintln(p.w, line)
}

// bar draws [=====>.....] 30 characters wide, as Keras does.
func bar(done, total int) string {
	const width = 30
	n := done * width / max(total, 1)
	switch {
	case n >= width:
		return "[" + strings.Repeat("=", width) + "]"
	case n == 0:
		return "[>" + strings.Repeat(".", width-1) + "]"
	}
	return "[" + strings.Repeat("=", n-1) + ">" + strings.Repeat(".", width-n) + "]"
}

func seconds(d time.Duration) string {
	if d >= time.Hour {
		return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	}
	if d >= time.Minute {
		return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
}

func perStep(d time.Duration, steps int) string {
	per := d / time.Duration(max(steps, 1))
	if per >= time.Second {
		return fmt.Sprintf("%.1fs", per.Seconds())
	}
	return fmt.Sprintf("%dms", per.Milliseconds())
}

func secondsDuration(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
