//go:build !js

package main

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"

	"inkling/nn"
)

// trainState is what a checkpoint holds besides the model and its optimiser:
// where training stands and what it has seen so far.
type trainState struct {
	Epoch, Batch int // the next step: epoch from 0, batch within it
	History      []epochLog
	Best         []nn.Param // the parameters of the best epoch so far
	BestScore    float64    // its validation score
	BestEpoch    int        // from 1
	Seconds      float64    // spent training so far, over all runs
}

// checkpoint is the file's content, encoded with encoding/gob.
type checkpoint struct {
	Recipe    string // the flags that shape training; a resume must use the same
	State     trainState
	Params    []nn.Param
	Optimizer nn.OptimizerState
	Shuffle   []byte // the shuffle generator before the current epoch's shuffle
}

// checkpointMagic starts a checkpoint file (checkpointKind, then the
// version); a CRC-32 of the rest ends it.
const (
	checkpointKind  = "inkling checkpoint "
	checkpointMagic = checkpointKind + "1\n"
)

// recipe names the flags that change what training computes (not -epochs:
// a finished run can be resumed with more epochs).
func recipe(o *options) string {
	return fmt.Sprintf("-batch %d -lr %g -lr-decay %g -seed %d -data %q -strokes %q -pen-repeat %d -val-writers %q -val-mnist %d -augment=%v -tutorial=%v",
		o.batch, o.lr, o.lrDecay, o.seed, o.data, o.strokes, o.penRepeat, o.valWriters, o.valMNIST, o.augment, o.tutorial)
}

// save writes the checkpoint atomically: a crash or SIGKILL while saving
// leaves the previous checkpoint whole.
func (st *trainState) save(path string, o *options, m *nn.Sequential, shuffle []byte) error {
	c := checkpoint{Recipe: recipe(o), State: *st, Params: snapshot(m), Optimizer: m.Optimizer().State(), Shuffle: shuffle}
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic)
	if err := gob.NewEncoder(&buf).Encode(&c); err != nil {
		return err
	}
	sum := crc32.ChecksumIEEE(buf.Bytes())
	buf.Write([]byte{byte(sum), byte(sum >> 8), byte(sum >> 16), byte(sum >> 24)})
	return writeFileAtomic(path, buf.Bytes())
}

// load restores a checkpoint into st, the model, its optimiser and the
// shuffle generator, after checking that it belongs to this recipe.
func (st *trainState) load(path string, o *options, m *nn.Sequential, shuffle *rand.PCG) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("-resume: no checkpoint at %s (one is written after every epoch and on Ctrl-C; -checkpoint names another)", path)
	}
	if err != nil {
		return err
	}
	c, err := decodeCheckpoint(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if c.Recipe != recipe(o) {
		return fmt.Errorf("%s was made with other flags:\n  checkpoint: %s\n  now:        %s\nresume with the checkpoint's flags, or start afresh without -resume", path, c.Recipe, recipe(o))
	}
	if err := m.SetParams(c.Params); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := m.Optimizer().SetState(c.Optimizer); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := shuffle.UnmarshalBinary(c.Shuffle); err != nil {
		return fmt.Errorf("%s: shuffle state: %w", path, err)
	}
	*st = c.State
	return nil
}

func decodeCheckpoint(data []byte) (*checkpoint, error) {
	if !bytes.HasPrefix(data, []byte(checkpointMagic)) {
		if bytes.HasPrefix(data, []byte(checkpointKind)) {
			return nil, errors.New("a checkpoint of another version of the trainer; start afresh without -resume")
		}
		return nil, errors.New("not a training checkpoint")
	}
	if len(data) < len(checkpointMagic)+4 {
		return nil, io.ErrUnexpectedEOF
	}
	body, tail := data[:len(data)-4], data[len(data)-4:]
	if crc32.ChecksumIEEE(body) != uint32(tail[0])|uint32(tail[1])<<8|uint32(tail[2])<<16|uint32(tail[3])<<24 {
		return nil, errors.New("checkpoint is corrupt (checksum mismatch); start afresh without -resume")
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(body[len(checkpointMagic):])).Decode(&c); err != nil {
		return nil, fmt.Errorf("checkpoint is corrupt: %w", err)
	}
	return &c, nil
}
