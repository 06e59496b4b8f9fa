package reader

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	unspun "github.com/unspun/unspun"
)

func write(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func readAll(t *testing.T, opts Options, stdin string, paths ...string) ([]unspun.Article, []string) {
	t.Helper()
	var arts []unspun.Article
	var errs []string
	err := Read(context.Background(), paths, strings.NewReader(stdin), opts,
		func(a unspun.Article) error { arts = append(arts, a); return nil },
		func(e *Error) { errs = append(errs, e.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	return arts, errs
}

const goodLine = `{"id":"k1","url":"https://www.velmora-post.test/a/1","title":"Dam holds","text":"The dam held.","published":"2031-04-02"}`

func TestJSONLines(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "in.jsonl", []byte(goodLine+"\n\n"+
		`{"id":"k2","text":"Broken`+"\n"+
		`{"url":"https://port.test/x","text":"Ferries sailed.","published":"2031-04-03T10:00:00+02:00","extra":1}`+"\n"+
		`{"id":"k4"}`+"\n"+
		`{"id":"k5","text":"Bad date","published":"yesterday"}`+"\n"+
		"{\"id\":\"k6\",\"text\":\"bad \xff byte\"}\n"+
		`{"id":7,"text":"x"}`))
	arts, errs := readAll(t, Options{}, "", p)
	if len(arts) != 2 {
		t.Fatalf("got %d articles, want 2: %+v", len(arts), arts)
	}
	a := arts[0]
	if a.ID != "k1" || a.Site != "velmora-post.test" || a.Body != "The dam held." || !a.Published.Equal(time.Date(2031, 4, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first article = %+v", a)
	}
	if b := arts[1]; b.ID != "https://port.test/x" || b.Site != "port.test" || b.Published.UTC().Hour() != 8 || b.Published.Hour() != 10 {
		t.Errorf("second article = %+v (id from url, site from host, the instant right and the article's own offset kept)", b)
	}
	want := []string{p + ":3: bad JSON", p + `:5: no "text" field`, p + `:6: published "yesterday"`, p + ":7: invalid UTF-8", p + `:8: bad JSON: field "id" must be a string`}
	if len(errs) != len(want) {
		t.Fatalf("errors %q, want %d", errs, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i], w) {
			t.Errorf("error %d = %q, want prefix %q", i, errs[i], w)
		}
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	long := append([]byte(`{"id":"big","text":"`), bytes.Repeat([]byte("a"), 3000)...)
	long = append(long, []byte("\"}\n"+goodLine+"\n")...)
	var many []byte
	for i := range 400 {
		many = append(many, strings.Replace(goodLine, "The dam held.", strings.Repeat("Sluice gate number "+string(rune('A'+i%26))+" opened. ", i%7+1), 1)...)
		many = append(many, '\n')
	}
	full := gz(many)
	tests := []struct {
		name     string
		data     []byte
		articles int
		err      string
	}{
		{"empty.jsonl", nil, 0, "empty.jsonl: empty file"},
		{"empty.txt", nil, 0, "empty.txt: empty file"},
		{"binary.jsonl", []byte("\x00\x01\x02{garbage"), 0, "binary.jsonl: binary data"},
		{"long.jsonl", long, 1, "long.jsonl:1: line longer than 1024 bytes"},
		{"truncated.jsonl.gz", full[:len(full)/2], -1, "truncated input"},
		{"badutf8.txt", []byte("Title\n\nGood line\nbad \xc3\x28 here"), 0, "badutf8.txt:4: invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write(t, dir, tt.name, tt.data)
			arts, errs := readAll(t, Options{MaxRecordBytes: 1024}, "", p)
			if tt.articles < 0 { // some, not all: what was read before the cut is kept
				if len(arts) == 0 || len(arts) >= 400 {
					t.Errorf("got %d articles from a half gzip stream of 400", len(arts))
				}
			} else if len(arts) != tt.articles {
				t.Errorf("got %d articles, want %d", len(arts), tt.articles)
			}
			if len(errs) != 1 || !strings.Contains(errs[0], tt.err) {
				t.Errorf("errors %q, want one containing %q", errs, tt.err)
			}
		})
	}
}

func TestTextAndDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "b/two.txt", []byte("Second title\n\nBody two.\n"))
	write(t, dir, "a/one.txt.gz", gz([]byte("First title\n\nPara one.\n\nPara two.\n")))
	write(t, dir, "a/notes.md", []byte("ignored"))
	arts, errs := readAll(t, Options{}, "", dir)
	if len(errs) != 0 || len(arts) != 2 {
		t.Fatalf("articles %d, errors %q", len(arts), errs)
	}
	if arts[0].ID != filepath.Join(dir, "a/one.txt.gz") || arts[0].Title != "First title" || arts[0].Body != "Para one.\n\nPara two." {
		t.Errorf("first = %+v", arts[0])
	}
	if arts[1].Title != "Second title" || arts[1].Body != "Body two." {
		t.Errorf("second = %+v", arts[1])
	}
}

func TestStdinSniffing(t *testing.T) {
	arts, errs := readAll(t, Options{}, "\n"+goodLine+"\n", "-")
	if len(errs) != 0 || len(arts) != 1 || arts[0].ID != "k1" {
		t.Errorf("JSON on stdin: %+v %q", arts, errs)
	}
	arts, _ = readAll(t, Options{}, "A headline\n\nA body.", "-")
	if len(arts) != 1 || !strings.HasPrefix(arts[0].ID, "stdin:") || arts[0].Title != "A headline" {
		t.Errorf("text on stdin: %+v", arts)
	}
	other, _ := readAll(t, Options{}, "A headline\n\nAnother body.", "-")
	if len(other) != 1 || other[0].ID == arts[0].ID {
		t.Errorf("two different texts on stdin share the id %q: each add - would replace the last", arts[0].ID)
	}
	_, errs = readAll(t, Options{}, "Only a title line", "-")
	if len(errs) != 1 || !strings.Contains(errs[0], "no body") {
		t.Errorf("a text without a body: errors %q, want one bad record", errs)
	}
}

func TestMissingPathIsABadRecord(t *testing.T) {
	_, errs := readAll(t, Options{}, "", filepath.Join(t.TempDir(), "nope.jsonl"))
	if len(errs) != 1 || !strings.Contains(errs[0], "no such file") {
		t.Errorf("errors %q", errs)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(goodLine))
	f.Add([]byte("Title\n\nBody."))
	f.Add(gz([]byte(goodLine)))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Read(context.Background(), []string{"-"}, bytes.NewReader(data), Options{MaxRecordBytes: 4096},
			func(a unspun.Article) error {
				if a.ID == "" {
					t.Fatal("article without id")
				}
				return nil
			}, func(*Error) {})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzFastRecordAgrees checks the one-pass JSON scanner against
// encoding/json: whenever scanRecord decodes a line, encoding/json must
// accept it and decode it to the same record.
func FuzzFastRecordAgrees(f *testing.F) {
	f.Add([]byte(`{"id":"k1","text":"The dam held.\nIt did.","published":"2031-04-02","extra":{"a":[1,2]}}`))
	f.Add([]byte(`{"id":"a","text":"\u00e9\ud83d\ude00 \"q\" \\ \/","url":null}`))
	f.Add([]byte(`{"ID":"x","text":"y"}`))
	f.Add([]byte(`{"id":"x","text":"\ud800"}`))
	f.Add([]byte(`{"id":"x","id":"y","text":"z"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !utf8.Valid(raw) {
			return // ParseJSON refuses it before
		}
		got, ok := scanRecord(raw)
		if !ok {
			return
		}
		var want jsonRecord
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("scanRecord decoded %q, encoding/json refuses it: %v", raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: fast %+v, encoding/json %+v", raw, deref(got.Text), deref(want.Text))
		}
	})
}

// TestScanRecord: the one-pass scanner decodes ordinary lines itself and
// leaves every line it cannot decode exactly as encoding/json to it.
func TestScanRecord(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{`{"id":"a","text":"The dam held.\nIt did.","published":null,"extra":{"n":[1,-2.5e3,true,null,"x\"y"]}}`, true},
		{`  {"text":"caf\u00e9 \"q\" \\ \/ \t","url":"https://x.test/"}  `, true},
		{`{}`, true},
		{`{"id":"a","text":"b","n":000}`, false},    // a leading zero: invalid JSON
		{`{"id":"a","text":"b"} x`, false},          // trailing garbage
		{"{\"id\":\"a\",\"text\":\"b\tc\"}", false}, // a raw control character in a string
		{`{"id":"a","text":"\ud83d\ude00"}`, false}, // escaped surrogates: encoding/json's rules
		{`{"ID":"a","text":"b"}`, false},            // a schema name in other case
		{`{"id":7,"text":"b"}`, false},              // a schema field of another type
		{`{"id":"a","text":"b",}`, false},           // a trailing comma
		{`[{"id":"a"}]`, false},
	} {
		got, ok := scanRecord([]byte(tc.line))
		if ok != tc.ok {
			t.Errorf("%s: scanned %v, want %v", tc.line, ok, tc.ok)
			continue
		}
		if ok {
			var want jsonRecord
			if err := json.Unmarshal([]byte(tc.line), &want); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %+v, encoding/json %+v (%v)", tc.line, got, want, err)
			}
		}
	}
	deep := strings.Repeat("[", maxDepth+10) + strings.Repeat("]", maxDepth+10)
	if _, ok := scanRecord([]byte(`{"id":"a","text":"b","x":` + deep + `}`)); ok {
		t.Error("a value nested past the depth limit was accepted")
	}
}
