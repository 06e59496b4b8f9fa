package page

import (
	"bytes"
	"fmt"

	"golang.org/x/net/html"

	unspun "github.com/unspun/unspun"
)

// MaxTextBytes bounds the text of a page (outside scripts and styles)
// that Parse hands to the extractor. The extractor's time grows faster
// than linearly with the text (a 1 MiB wall of text takes about 2 s, 4 MiB
// 15 s, 30 MiB more than 10 minutes and 900 MB), and a news article is a
// few kilobytes: the largest evaluation page holds well under this.
const MaxTextBytes = 1 << 20

// MaxElements bounds the elements of a page, for the same reason: the
// extractor's memory grows with them (800,000 took 1.6 GB and 15 s; 50,000
// take 170 MB and 1.2 s). News pages have a few thousand.
const MaxElements = 50_000

// prescanAbove is the page size above which the limits are checked with
// the tokenizer before a tree is built: a 32 MiB page of empty elements
// would otherwise become a 700 MB tree. Below it, the tree is small enough
// to build and count.
const prescanAbove = 1 << 20

// prescan applies MaxElements and a text limit while tokenizing, without
// building a tree. The tokenizer counts the insides of <script> and <style>
// as text, so its text limit is four times MaxTextBytes: loose enough for
// script-heavy pages, tight enough to bound the tree; the exact limits are
// applied to the tree.
func prescan(data []byte) error {
	z := html.NewTokenizer(bytes.NewReader(data))
	elements, text := 0, 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil
		case html.StartTagToken, html.SelfClosingTagToken:
			if elements++; elements > MaxElements {
				return fmt.Errorf("more than %d HTML elements: %w", MaxElements, unspun.ErrInvalid)
			}
		case html.TextToken:
			if text += len(z.Raw()); text > 4*MaxTextBytes {
				return fmt.Errorf("more than %d bytes of text: %w", 4*MaxTextBytes, unspun.ErrInvalid)
			}
		}
	}
}
