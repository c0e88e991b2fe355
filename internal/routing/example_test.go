package routing_test

import (
	"errors"
	"fmt"

	"github.com/trustee-dev/trustee/internal/routing"
)

// Webhook endpoints must be https; plain http is accepted only to a
// receiver on the same machine. Errors never quote the URL.
func ExampleCheckURL() {
	for _, u := range []string{
		"https://hooks.example.com/trustee?token=t0k",
		"http://127.0.0.1:8080/hooks",
		"http://hooks.example.com/trustee",
	} {
		err := routing.CheckURL(u)
		fmt.Println(err == nil, errors.Is(err, routing.ErrURL))
	}
	// Output:
	// true false
	// true false
	// false true
}
