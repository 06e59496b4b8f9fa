package pebble

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, dir string) store.Store {
		db, err := Open(dir, Options{Create: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestAppendMergerOrder(t *testing.T) {
	m := &appendMerger{newer: [][]byte{[]byte("c")}}
	m.MergeOlder([]byte("b"))
	m.MergeNewer([]byte("d"))
	m.MergeOlder([]byte("a"))
	m.MergeNewer([]byte("e"))
	got, _, _ := m.Finish(true)
	if string(got) != "abcde" {
		t.Errorf("merged %q, want operands oldest first: abcde", got)
	}
}

func TestOpenRefusesWhatIsNotAnIndex(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	if _, err := Open(missing, Options{}); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Open of a missing directory: %v, want ErrNoIndex", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("Open without Create made the directory")
	}
	photos := t.TempDir()
	if err := os.WriteFile(filepath.Join(photos, "holiday.jpg"), []byte("\xff\xd8\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, create := range []bool{false, true} {
		if _, err := Open(photos, Options{Create: create}); !errors.Is(err, ErrNotIndex) {
			t.Errorf("Open (create %v) of a folder of photos: %v, want ErrNotIndex", create, err)
		}
	}
	dir := t.TempDir()
	db, err := Open(dir, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	// Another process opens the index while this one holds it.
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperOpenInUse$")
	cmd.Env = append(os.Environ(), "UNSPUN_OPEN_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "in use: true") {
		t.Errorf("a second process opening an index in use: %v\n%s", err, out)
	}
	db.Close()
	db, err = Open(dir, Options{})
	if err != nil {
		t.Fatalf("reopening an existing index without Create: %v", err)
	}
	db.Close()
}

// TestHelperOpenInUse runs in a child process of
// TestOpenRefusesWhatIsNotAnIndex: it opens the index the parent holds.
func TestHelperOpenInUse(t *testing.T) {
	dir := os.Getenv("UNSPUN_OPEN_DIR")
	if dir == "" {
		t.Skip("run by TestOpenRefusesWhatIsNotAnIndex")
	}
	_, err := Open(dir, Options{})
	fmt.Printf("in use: %v (%v)\n", errors.Is(err, ErrInUse), err)
}
