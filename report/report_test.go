package report

import (
	"bytes"
	"strings"
	"testing"

	unspun "github.com/unspun/unspun"
)

func TestTextReportStripsControlCharacters(t *testing.T) {
	body := "Evil \x1b[2J sentence\x07 here."
	tr := unspun.Trace{Article: unspun.Article{ID: "x", Title: "T\x1b]0;pwned\x07", Body: body},
		Sentences: []unspun.SentenceTrace{{Span: unspun.Span{End: len(body)}, Text: body}}}
	var b bytes.Buffer
	if err := WriteTrace(&b, tr, Style{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("an article's escape sequences reached the terminal: %q", b.String())
	}
}

func TestJSONShape(t *testing.T) {
	tr := unspun.Trace{Article: unspun.Article{ID: "a", Body: "Hi."},
		Sentences: []unspun.SentenceTrace{{Span: unspun.Span{End: 3}, Text: "Hi."}}}
	var b bytes.Buffer
	if err := WriteJSON(&b, Trace(tr)); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{`"published":null`, `"sources":[]`, `"quotes":[]`, `"originality":0`} {
		if !strings.Contains(got, want) {
			t.Errorf("JSON %s lacks %s", got, want)
		}
	}
	if strings.Count(got, "\n") != 1 {
		t.Error("not one line")
	}
}
