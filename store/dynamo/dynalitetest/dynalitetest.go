// Package dynalitetest starts dynalite, a DynamoDB-compatible server, for a test:
// on a free loopback port, stopped when the test ends. dynalite comes from the
// npm registry, pinned in the repository's package.json and package-lock.json;
// `npm ci` at the repository's root installs it (make test does).
//
// Without Node.js or without dynalite installed the test skips with one line
// saying what to do; with QEX_REQUIRE_INTEGRATION=1 it fails instead.
package dynalitetest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/quantedge/qex/internal/integration"
)

// Start timing.
const (
	startWait = 20 * time.Second
	pollEvery = 50 * time.Millisecond
	stopWait  = 5 * time.Second
)

// Start runs dynalite for the test and returns its endpoint URL.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := dynaliteBin()
	if err != nil {
		integration.Unavailable(t, "%v", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		integration.Unavailable(t, "Node.js is not installed: dynalite needs it (Debian: apt-get install nodejs npm)")
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("finding a free port: %v", err)
	}
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--host", "127.0.0.1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &logBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting dynalite: %v", err)
	}
	t.Cleanup(func() { stop(t, cmd) })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if err := waitListening(addr, startWait); err != nil {
		t.Fatalf("dynalite did not listen on %s: %v\n%s", addr, err, out)
	}
	return "http://" + addr
}

// dynaliteBin finds node_modules/.bin/dynalite at the module's root.
func dynaliteBin() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			bin := filepath.Join(dir, "node_modules", ".bin", "dynalite")
			if _, err := os.Stat(bin); err != nil {
				return "", fmt.Errorf("dynalite is not installed: run npm ci in %s", dir)
			}
			return bin, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's directory")
		}
		dir = parent
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitListening(addr string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var d net.Dialer
	for {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return conn.Close()
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pollEvery):
		}
	}
}

// stop ends dynalite and anything it started.
func stop(t testing.TB, cmd *exec.Cmd) {
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(stopWait):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		t.Logf("dynalite did not stop within %s and was killed", stopWait)
	}
}
