package cli

import (
	"context"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts in testdata/script run `trustee` in-process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"trustee": func() {
			err := Execute(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
			os.Exit(ExitCode(err, os.Stderr))
		},
	})
}

// TestScripts runs each testdata/script/*.txtar file as a user session with
// its expected output.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("MINIMAL", mustAbs("../policy/testdata/minimal.yaml"))
			env.Setenv("EXAMPLES", mustAbs("../../examples"))
			return nil
		},
	})
}

func mustAbs(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return wd + "/" + p
}
