//go:build !js

package nn_test

import (
	"fmt"
	"math/rand/v2"

	"inkling/nn"
)

func ExampleSequential_Summary() {
	m, err := nn.New(nn.Tutorial(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	fmt.Print(m.Summary())
	// Output:
	// Model: "sequential"
	// _________________________________________________________________
	// Layer (type)                 Output Shape              Param #
	// =================================================================
	// conv2d (Conv2D)              (None, 26, 26, 32)        320
	// _________________________________________________________________
	// max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0
	// _________________________________________________________________
	// flatten (Flatten)            (None, 5408)              0
	// _________________________________________________________________
	// dense (Dense)                (None, 100)               540900
	// _________________________________________________________________
	// dense_1 (Dense)              (None, 10)                1010
	// =================================================================
	// Total params: 542,230
	// Trainable params: 542,230
	// Non-trainable params: 0
	// _________________________________________________________________
}
