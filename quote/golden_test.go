package quote_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/unspun/unspun/demo"
	"github.com/unspun/unspun/internal/golden"
	"github.com/unspun/unspun/quote"
)

// TestDemoGolden lists the quotes of the demo corpus and farm pages with
// their speakers and compares them with testdata/demo.golden
// (go test ./quote -update rewrites it).
func TestDemoGolden(t *testing.T) {
	var got bytes.Buffer
	for _, data := range [][]byte{demo.Corpus(), demo.Farm()} {
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			var rec struct{ ID, Text string }
			if err := json.Unmarshal(line, &rec); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&got, "%s\n", rec.ID)
			for _, q := range quote.Extract(rec.Text) {
				who, mention := "(orphan)", ""
				if q.Speaker != nil {
					who = q.Speaker.Name
					if m := q.Speaker.Mention; m != nil {
						mention = fmt.Sprintf(" [mention %q]", rec.Text[m.Start:m.End])
					}
				}
				fmt.Fprintf(&got, "  %s\n    — %s%s cue=%q from=%s\n", q.Text, who, mention, q.Cue, q.SpeakerFrom)
			}
		}
	}
	golden.Check(t, "demo.golden", got.Bytes())
}
