package mnist_test

import (
	"fmt"
	"log"

	"inkling/mnist"
)

// The tutorial's first step: load the data and print its shapes.
func ExampleSummary() {
	train, test, err := mnist.LoadData()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mnist.Summary(train, test))
	fmt.Println("training digits per class:", train.ClassCounts())
	// Output:
	// X_train = (60000, 28, 28), Y_train = (60000,)
	// X_test = (10000, 28, 28), Y_test = (10000,)
	// training digits per class: [5923 6742 5958 6131 5842 5421 5918 6265 5851 5949]
}
