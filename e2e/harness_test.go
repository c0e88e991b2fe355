package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trustee-dev/trustee/client"
	"github.com/trustee-dev/trustee/internal/store/pgtest"
)

// trusteeBin is the trustee binary TestMain builds.
var trusteeBin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "trustee-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	trusteeBin = filepath.Join(dir, "trustee")
	gobin, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: the go command is needed to build trustee:", err)
		return 1
	}
	build := exec.Command(gobin, "build", "-o", trusteeBin, "github.com/trustee-dev/trustee/cmd/trustee")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building trustee:", err)
		return 1
	}
	return m.Run()
}

// backend is the storage a deployment runs on.
type backend struct {
	name string
	// database and keystore are URLs; "" is the embedded default (SQLite
	// files in the data directory).
	database string
	keystore string
}

var sqliteBackend = backend{name: "sqlite"}

// postgresBackend returns a backend on two fresh PostgreSQL schemas, one
// for the data and one for the key store, or skips t when no server
// answers.
func postgresBackend(t testing.TB) backend {
	return backend{name: "postgres", database: pgtest.Schema(t), keystore: pgtest.Schema(t)}
}

// eachBackend runs fn as a subtest on SQLite and on PostgreSQL.
func eachBackend(t *testing.T, fn func(t *testing.T, be backend)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, sqliteBackend) })
	t.Run("postgres", func(t *testing.T) { fn(t, postgresBackend(t)) })
}

// deployment is one trustee installation: a database, a key store and a
// root key file that its nodes and CLI runs share.
type deployment struct {
	t  testing.TB
	be backend
	// dir holds the root key (keys/root.key) and, on SQLite, the data.
	dir string
}

func newDeployment(t testing.TB, be backend) *deployment {
	return &deployment{t: t, be: be, dir: t.TempDir()}
}

// flags are the configuration flags of a process of the deployment whose
// own files go to dataDir.
func (d *deployment) flags(dataDir string) []string {
	args := []string{
		"--data-dir", dataDir,
		"--root-key", "file://" + filepath.ToSlash(filepath.Join(d.dir, "keys", "root.key")),
	}
	if d.be.database != "" {
		args = append(args, "--database", d.be.database)
	}
	if d.be.keystore != "" {
		args = append(args, "--keystore", d.be.keystore)
	}
	return args
}

// command returns a trustee command of the deployment, with no TRUSTEE_*
// variables of the test's environment.
func (d *deployment) command(dataDir string, args ...string) *exec.Cmd {
	cmd := exec.Command(trusteeBin, append(args, d.flags(dataDir)...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TRUSTEE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// cli runs a trustee command to completion and returns its standard output.
func (d *deployment) cli(args ...string) string {
	d.t.Helper()
	cmd := d.command(d.dir, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		d.t.Fatalf("trustee %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

var tokenRE = regexp.MustCompile(`trk_[a-z0-9]+_[A-Za-z0-9_-]+`)

// operatorKey creates an operator API key with the CLI and returns its
// token.
func (d *deployment) operatorKey() string {
	d.t.Helper()
	out := d.cli("keys", "create", "--operator", "--name", "e2e-operator", "--scopes", "admin")
	tok := tokenRE.FindString(out)
	if tok == "" {
		d.t.Fatalf("trustee keys create --operator printed no trk_ token:\n%s", out)
	}
	return tok
}

// node is a running `trustee serve` process.
type node struct {
	URL     string
	name    string
	logPath string
	cmd     *exec.Cmd
	done    chan error
}

// nodeOptions tune a node.
type nodeOptions struct {
	// logLevel is the server's log level; default info.
	logLevel string
	// args are extra serve flags.
	args []string
}

// start runs `trustee serve` on a free loopback port and waits until it is
// ready. Node 0 of a SQLite deployment keeps its data in the deployment's
// directory; other nodes get their own data directory (their database and
// key store are the deployment's URLs). The node is stopped with SIGTERM
// when the test ends.
func (d *deployment) start(name string, o nodeOptions) *node {
	d.t.Helper()
	dataDir := d.dir
	if d.be.database != "" {
		dataDir = d.t.TempDir()
	}
	if o.logLevel == "" {
		o.logLevel = "info"
	}
	n := &node{name: name, logPath: filepath.Join(d.t.TempDir(), name+".log")}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = n.run(d, dataDir, o); err == nil {
			return n
		}
	}
	d.t.Fatalf("node %s did not start: %v\n%s", name, err, n.logTail())
	return nil
}

func (n *node) run(d *deployment, dataDir string, o nodeOptions) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	logf, err := os.Create(n.logPath)
	if err != nil {
		return err
	}
	args := append([]string{"serve", "--listen", addr, "--log-level", o.logLevel}, o.args...)
	n.cmd = d.command(dataDir, args...)
	n.cmd.Stdout, n.cmd.Stderr = logf, logf
	if err := n.cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	n.done = make(chan error, 1)
	go func() { n.done <- n.cmd.Wait(); logf.Close() }()
	n.URL = "http://" + addr
	d.t.Cleanup(func() { n.stop(d.t) })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-n.done:
			n.done <- err
			return fmt.Errorf("trustee serve exited: %v", err)
		default:
		}
		resp, err := http.Get(n.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	n.kill()
	return errors.New("not ready within 60s")
}

// stop ends the node gracefully (SIGTERM), or kills it after 20 s. It logs
// the node's output when the test failed.
func (n *node) stop(t testing.TB) {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	select {
	case err := <-n.done:
		n.done <- err
		return // already gone
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.done:
		n.done <- err
		if err != nil {
			t.Logf("node %s exited: %v", n.name, err)
		}
	case <-time.After(20 * time.Second):
		t.Logf("node %s did not stop within 20s of SIGTERM: killed", n.name)
		n.kill()
	}
	if t.Failed() {
		t.Logf("log of node %s:\n%s", n.name, n.logTail())
	}
}

func (n *node) kill() {
	if n.cmd != nil && n.cmd.Process != nil {
		_ = n.cmd.Process.Kill()
		<-n.done
		n.done <- nil
	}
}

// logTail returns the last lines of the node's log.
func (n *node) logTail() string {
	b, _ := os.ReadFile(n.logPath)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	return strings.Join(lines, "\n")
}

// client returns a client of the node with token.
func (n *node) client(token string) *client.Client { return client.New(n.URL, token) }

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// testDecl is the e2e declaration: minimal.yaml plus a purpose that sells
// or shares (ads) and a minimum age of 13.
func testDecl(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "e2e.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// minimalDecl is internal/policy/testdata/minimal.yaml.
func minimalDecl(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "policy", "testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newTenant creates a tenant through the operator client, gives it a key
// with every scope, uploads and activates decl, and returns the tenant's
// client and key token.
func newTenant(ctx context.Context, t testing.TB, n *node, operator *client.Client, id string, decl []byte) (*client.Client, string) {
	t.Helper()
	if _, err := operator.CreateTenant(ctx, client.Tenant{ID: id, Name: "Tenant " + id, Kind: client.Controller}); err != nil {
		t.Fatalf("CreateTenant: %v", err)
	}
	key, err := operator.CreateKey(ctx, id, "e2e", client.AllScopes()...)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	c := n.client(string(key.Token))
	d, err := c.UploadDeclaration(ctx, decl)
	if err != nil {
		t.Fatalf("UploadDeclaration: %v", err)
	}
	if _, err := c.ActivateDeclaration(ctx, d.Seq); err != nil {
		t.Fatalf("ActivateDeclaration: %v", err)
	}
	return c, string(key.Token)
}

// mustRefuse fails t unless err is a refusal with reason want and a rule.
func mustRefuse(t testing.TB, what string, err error, want string) *client.Problem {
	t.Helper()
	reason, ok := client.IsRefused(err)
	if !ok || reason != want {
		t.Fatalf("%s: got %v, want a refusal %s", what, err, want)
	}
	var p *client.Problem
	errors.As(err, &p)
	if p.Rule == "" {
		t.Errorf("%s: refusal %s cites no rule: %+v", what, want, p)
	}
	return p
}

// eventually polls cond every 25 ms until it holds or d passes, and
// returns how long it took and whether it held.
func eventually(d time.Duration, cond func() bool) (time.Duration, bool) {
	start := time.Now()
	for {
		if cond() {
			return time.Since(start), true
		}
		if time.Since(start) > d {
			return time.Since(start), false
		}
		time.Sleep(25 * time.Millisecond)
	}
}
