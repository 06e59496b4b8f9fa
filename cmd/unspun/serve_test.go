package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unspun/unspun/store/pebble"
)

func TestServeRefusesOpenWritableAddress(t *testing.T) {
	_, db := demoIndex(t)
	r := runCLI(t, "", "serve", "--db", db, "--addr", "0.0.0.0:0")
	if r.code != exitUsage || !strings.Contains(r.stderr, "not a loopback address") {
		t.Errorf("serve on 0.0.0.0 without a token: %d %q, want %d and why", r.code, r.stderr, exitUsage)
	}
	empty := t.TempDir() + "/token"
	os.WriteFile(empty, []byte("\n"), 0o600)
	if r := runCLI(t, "", "serve", "--db", db, "--token-file", empty); r.code != exitUsage || !strings.Contains(r.stderr, "holds no token") {
		t.Errorf("empty token file: %d %q", r.code, r.stderr)
	}
}

// TestServeDrainsOnSIGTERM starts a real server, sends SIGTERM while a
// request is still arriving, and checks that the request is answered, the
// process exits 0, and the index opens afterwards.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	_, db := demoIndex(t)
	cmd := exec.Command(os.Args[0], "serve", "--db", db, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "UNSPUN_TEST_MAIN=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(stderr)
	var url string
	for lines.Scan() {
		if rest, ok := strings.CutPrefix(lines.Text(), "unspun serve: http://"); ok {
			url = "http://" + strings.Fields(rest)[0]
			break
		}
	}
	if url == "" {
		t.Fatal("serve did not say where it listens")
	}
	body, w := io.Pipe()
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(url+"/api/trace", "text/plain", body)
		if err != nil {
			answered <- -1
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	io.WriteString(w, "Half a page\n\nA glacier lake above the mountain township of Brenno ")
	time.Sleep(200 * time.Millisecond) // the request is in flight
	cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	io.WriteString(w, "burst its moraine wall shortly after midnight on Friday.")
	w.Close()
	select {
	case code := <-answered:
		if code != 200 {
			t.Errorf("the request in flight at SIGTERM got %d, want 200", code)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the request in flight at SIGTERM was not answered")
	}
	var rest strings.Builder
	for lines.Scan() {
		rest.WriteString(lines.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil || !strings.Contains(rest.String(), "stopped") {
		t.Fatalf("serve after SIGTERM: %v, stderr %q", err, rest.String())
	}
	s, err := pebble.Open(db, pebble.Options{})
	if err != nil {
		t.Fatalf("the index does not open after serve stopped: %v", err)
	}
	defer s.Close()
	if st, _ := s.Stats(context.Background()); st.Articles != 9 {
		t.Errorf("the index holds %d articles after serve, want 9", st.Articles)
	}
}
