package page

import (
	"bytes"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// sniffLen is how much of a page the statistical charset detector looks at:
// enough text to decide, little enough to stay fast on huge pages.
const sniffLen = 64 << 10

// toUTF8 returns the page decoded to UTF-8 and the name of the charset it
// was read as. The order of evidence: a byte-order mark; bytes that are
// valid UTF-8 (crawlers and archives often re-encode pages to UTF-8 but keep
// the old <meta charset>, while a legacy-encoded page with any non-ASCII byte
// is almost never valid UTF-8 by accident); the charset declared by the HTTP
// header or the page; and last a statistical guess.
func toUTF8(data []byte, contentType string) ([]byte, string) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:], "utf-8"
	case bytes.HasPrefix(data, []byte("\xfe\xff")), bytes.HasPrefix(data, []byte("\xff\xfe")):
		return decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data), "utf-16"
	case utf8.Valid(data):
		return data, "utf-8"
	}
	enc, name, certain := charset.DetermineEncoding(data, contentType)
	if !certain || name == "utf-8" {
		// Nothing declared (DetermineEncoding then guesses windows-1252),
		// or declared UTF-8 while the bytes are not: ask the detector.
		if guess := detect(data); guess != nil {
			enc, name = guess.enc, guess.name
		}
	}
	if name == "utf-8" {
		return bytes.ToValidUTF8(data, []byte("\ufffd")), name
	}
	return decodeWith(enc, data), name
}

type guess struct {
	enc  encoding.Encoding
	name string
}

func detect(data []byte) *guess {
	if len(data) > sniffLen {
		data = data[:sniffLen]
	}
	res, err := chardet.NewHtmlDetector().DetectBest(data)
	if err != nil || res.Confidence < 10 {
		return nil
	}
	enc, err := htmlindex.Get(res.Charset)
	if err != nil {
		return nil
	}
	name, _ := htmlindex.Name(enc)
	return &guess{enc: enc, name: name}
}

func decodeWith(enc encoding.Encoding, data []byte) []byte {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		// Decoders replace what they cannot map; an error here means the
		// encoding itself failed, so keep what is valid of the raw bytes.
		return bytes.ToValidUTF8(data, []byte("\ufffd"))
	}
	return bytes.ToValidUTF8(out, []byte("\ufffd"))
}
