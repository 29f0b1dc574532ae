//go:build !js

package web

// Drawing with real input events: Input.dispatchMouseEvent on the desktop,
// Input.dispatchTouchEvent on the phone. The browser turns them into the
// pointer events the page listens to, exactly as for a person's hand.

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

// A pt is a position in CSS pixels of the viewport.
type pt struct{ X, Y float64 }

// Strokes sent as input are resampled so that consecutive points are at
// least minGap and at most maxGap CSS pixels apart: a person's pointer
// reports a position every few pixels, and the page drops points closer
// than 0.2% of the pad (under a pixel) anyway.
const (
	minGap = 2.0
	maxGap = 4.0
)

// resample returns the stroke's points with those closer than minGap to the
// last kept one dropped (the last point is always kept) and long segments
// cut into pieces of at most maxGap, so that every point written is passed
// through and no event is redundant.
func resample(stroke []pt) []pt {
	if len(stroke) == 0 {
		return nil
	}
	out := []pt{stroke[0]}
	for i := 1; i < len(stroke); i++ {
		last, p := out[len(out)-1], stroke[i]
		d := math.Hypot(p.X-last.X, p.Y-last.Y)
		if d < minGap && i < len(stroke)-1 {
			continue
		}
		if d == 0 {
			continue // a repeated last point
		}
		n := int(math.Ceil(d / maxGap))
		for k := 1; k <= n; k++ {
			f := float64(k) / float64(n)
			out = append(out, pt{last.X + f*(p.X-last.X), last.Y + f*(p.Y-last.Y)})
		}
	}
	return out
}

// penUp tells a stroke to end with the pointer lifted; a stroke drawn with
// keepDown leaves it pressed.
type penState bool

const (
	penUp    penState = true
	keepDown penState = false
)

// A sender dispatches input events to a tab.
type sender interface {
	mouse(input.DispatchMouseEventParams) error
	touch(input.DispatchTouchEventParams) error
	// sync returns once the page has handled every event sent before.
	sync() error
}

// paced sends each event and waits until the page has handled it, as a
// hand does: the browser delivers pointer moves once per animation frame,
// so the page sees one move per frame and predicts between them.
type paced struct{ ctx context.Context }

func (s paced) mouse(e input.DispatchMouseEventParams) error {
	_, err := chromedp.Call(s.ctx, input.DispatchMouseEvent, e)
	return err
}

func (s paced) touch(e input.DispatchTouchEventParams) error {
	_, err := chromedp.Call(s.ctx, input.DispatchTouchEvent, e)
	return err
}

func (paced) sync() error { return nil }

// An inputConn is a second DevTools connection to a tab that sends input
// events without waiting for each to be handled; sync then waits for all.
// As for a fast pen or a 1000 Hz mouse, the browser coalesces the moves
// that arrive within one frame into one pointermove whose
// getCoalescedEvents() holds every position (the page draws them all).
// Waiting for each event instead costs a frame (16 ms) a move, and a
// replay of 3,000 digits would take hours.
//
// Only moves go in bursts: the strokes sync before and after each press and
// release, so that a press or a release is never in flight with moves.
// The protocol does not promise the order of input events sent without
// waiting (Chromium coalesces moves on their own path), and a move handled
// after the release would read as a buttonless move. (Without these syncs
// 1,800 digits gave the same answers; they cost one round trip each.)
type inputConn struct {
	conn *remote.Conn
	mu   sync.Mutex
	cond *sync.Cond
	sent int64
	done int64 // answers received
	errs []string
	gone error // the connection failed
}

// dialInput opens an inputConn to the tab.
func dialInput(p *tab) *inputConn {
	p.tb.Helper()
	c := chromedp.FromContext(p.ctx)
	if c == nil || c.Target == nil {
		p.tb.Fatal("dialInput: the tab has not been opened")
	}
	conn, err := remote.DialContext(p.ctx, "ws://127.0.0.1:"+shared.port+"/devtools/page/"+string(c.Target.TargetID))
	if err != nil {
		p.tb.Fatal(err)
	}
	in := &inputConn{conn: conn}
	in.cond = sync.NewCond(&in.mu)
	go in.read()
	return in
}

func (in *inputConn) read() {
	for {
		var msg cdproto.Message
		err := in.conn.Read(context.Background(), &msg)
		in.mu.Lock()
		switch {
		case err != nil:
			in.gone = err
		case msg.ID != 0:
			in.done++
			if msg.Error != nil {
				in.errs = append(in.errs, msg.Error.Error())
			}
		}
		in.cond.Broadcast()
		in.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func (in *inputConn) send(method string, params any) error {
	b, err := jsonv2.Marshal(params, chromedp.DefaultMarshalOptions)
	if err != nil {
		return err
	}
	in.mu.Lock()
	in.sent++
	id := in.sent
	in.mu.Unlock()
	return in.conn.Write(context.Background(), &cdproto.Message{ID: id, Method: cdproto.MethodType(method), Params: b})
}

func (in *inputConn) mouse(e input.DispatchMouseEventParams) error {
	return in.send(input.DispatchMouseEvent.Method, e)
}

func (in *inputConn) touch(e input.DispatchTouchEventParams) error {
	return in.send(input.DispatchTouchEvent.Method, e)
}

// sync waits until the page has handled every event sent so far.
func (in *inputConn) sync() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	for in.done < in.sent && in.gone == nil {
		in.cond.Wait()
	}
	if in.gone != nil {
		return in.gone
	}
	if len(in.errs) > 0 {
		err := fmt.Errorf("input events refused: %s", strings.Join(in.errs, "; "))
		in.errs = nil
		return err
	}
	return nil
}

// stroke draws one stroke through the points (already resampled) with the
// tab's input, the mouse on a desktop viewport, a finger on a mobile one,
// each event handled before the next.
func (p *tab) stroke(pts []pt, end penState) {
	p.tb.Helper()
	if err := strokeWith(paced{p.ctx}, p.vp.mobile, pts, end); err != nil {
		p.tb.Fatal(err)
	}
}

// lift ends a stroke left pressed by stroke(..., keepDown) at q.
func (p *tab) lift(q pt) {
	p.tb.Helper()
	if err := handOf(paced{p.ctx}, p.vp.mobile).up(q); err != nil {
		p.tb.Fatal(err)
	}
}

// draw draws each stroke, resampled, lifting the pointer after each, and
// returns once the page has handled every event. Events go through the
// tab's inputConn, moves in bursts.
func (p *tab) draw(strokes [][]pt) {
	p.tb.Helper()
	if p.in == nil {
		p.in = dialInput(p)
	}
	for _, s := range strokes {
		if err := strokeWith(p.in, p.vp.mobile, resample(s), penUp); err != nil {
			p.tb.Fatal(err)
		}
	}
}

// A hand draws through a sender: the mouse's left button on a desktop
// viewport, one finger on a mobile one.
type hand struct {
	down func(pt) error // press at the point
	move func(pt) error // move there, pressed
	up   func(pt) error // lift at the point
}

func handOf(s sender, mobile bool) hand {
	if mobile {
		return hand{
			down: func(q pt) error { return touchAt(s, input.DispatchTouchEventTypeTouchStart, &q) },
			move: func(q pt) error { return touchAt(s, input.DispatchTouchEventTypeTouchMove, &q) },
			up:   func(pt) error { return touchAt(s, input.DispatchTouchEventTypeTouchEnd, nil) },
		}
	}
	return hand{
		// The mouse moves to the point, unpressed, before it presses there.
		down: func(q pt) error {
			return inOrder([]func() error{
				func() error { return mouseAt(s, input.DispatchMouseEventTypeMouseMoved, q, 0) },
				s.sync,
				func() error { return mouseAt(s, input.DispatchMouseEventTypeMousePressed, q, 1) },
			})
		},
		move: func(q pt) error { return mouseAt(s, input.DispatchMouseEventTypeMouseMoved, q, 1) },
		up:   func(q pt) error { return mouseAt(s, input.DispatchMouseEventTypeMouseReleased, q, 0) },
	}
}

// strokeWith presses at the first point, moves through the rest pressed
// and, with penUp, lifts at the last, syncing after each of the three.
func strokeWith(s sender, mobile bool, pts []pt, end penState) error {
	if len(pts) == 0 {
		return nil
	}
	h := handOf(s, mobile)
	steps := []func() error{
		func() error { return h.down(pts[0]) },
		s.sync,
		func() error {
			for _, q := range pts[1:] {
				if err := h.move(q); err != nil {
					return err
				}
			}
			return nil
		},
		s.sync,
	}
	if end == penUp {
		steps = append(steps, func() error { return h.up(pts[len(pts)-1]) }, s.sync)
	}
	return inOrder(steps)
}

func mouseAt(s sender, typ input.DispatchMouseEventType, q pt, buttons int64) error {
	e := input.DispatchMouseEventParams{Type: typ, X: q.X, Y: q.Y, Buttons: buttons}
	if typ != input.DispatchMouseEventTypeMouseMoved {
		e.Button = input.MouseButtonLeft
		e.ClickCount = 1
	}
	return s.mouse(e)
}

func touchAt(s sender, typ input.DispatchTouchEventType, q *pt) error {
	e := input.DispatchTouchEventParams{Type: typ, TouchPoints: []*input.TouchPoint{}}
	if q != nil {
		id, r := 1.0, 4.0 // one finger, a fingertip's radius
		e.TouchPoints = []*input.TouchPoint{{X: q.X, Y: q.Y, ID: &id, RadiusX: &r, RadiusY: &r}}
	}
	return s.touch(e)
}

// inOrder runs the steps until one fails.
func inOrder(steps []func() error) error {
	for _, f := range steps {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func TestResample(t *testing.T) {
	t.Parallel()
	for i, c := range []struct {
		in   []pt
		want int // points out
	}{
		{nil, 0},
		{[]pt{{0, 0}}, 1},
		{[]pt{{0, 0}, {0, 0}}, 1},
		{[]pt{{0, 0}, {10, 0}}, 4},          // cut in 3: 0, 3.3, 6.7, 10
		{[]pt{{0, 0}, {1, 0}, {2.5, 0}}, 2}, // 1 is dropped, 2.5 kept (more than minGap away)
		{[]pt{{0, 0}, {1, 0}, {1.5, 0}}, 2}, // the last point is always kept
		{[]pt{{0, 0}, {3, 0}, {6, 0}, {9, 0}}, 4},
	} {
		got := resample(c.in)
		if len(got) != c.want {
			t.Errorf("%d: %v → %v, want %d points", i, c.in, got, c.want)
			continue
		}
		for j := 1; j < len(got); j++ {
			if d := math.Hypot(got[j].X-got[j-1].X, got[j].Y-got[j-1].Y); d > maxGap+1e-9 || d == 0 {
				t.Errorf("%d: gap %d is %.2f", i, j, d)
			}
		}
		if len(c.in) > 0 && got[len(got)-1] != c.in[len(c.in)-1] {
			t.Errorf("%d: last point %v, want %v", i, got[len(got)-1], c.in[len(c.in)-1])
		}
	}
}
