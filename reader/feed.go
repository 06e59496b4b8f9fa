package reader

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/mmcdole/gofeed"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/page"
)

// readFeed reads an RSS, Atom or JSON feed: each item is an article with
// its full content (content:encoded, Atom content) where the feed carries
// it, else its description. The id is the item's link, else its guid.
// gofeed decodes XML with encoding/xml, which expands no entity a document
// declares, so entity-expansion attacks cost nothing; the feed as a whole
// is bounded by Options.MaxRecordBytes.
func readFeed(ctx context.Context, path string, br *bufio.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	data, err := readWhole(br, opts.MaxRecordBytes, "feed")
	if err != nil {
		bad(&Error{Path: path, Err: err})
		return nil
	}
	feed, err := parseFeed(data)
	cut, cutErr := 0, err // the item a cut-off feed ends in (else 0), and why
	if err != nil {
		// A feed cut off in the middle (a crawl that stopped, a full disk)
		// still holds whole items: read those, report the cut one.
		if head, n := completeItems(data); head != nil {
			if f, err2 := parseFeed(head); err2 == nil {
				feed, err, cut = f, nil, n+1
			}
		}
	}
	if err != nil {
		bad(&Error{Path: path, Err: fmt.Errorf("not a readable RSS, Atom or JSON feed: %v: %w", clip(err.Error(), 200), unspun.ErrInvalid)})
		return nil
	}
	defer func() {
		if cut > 0 {
			bad(&Error{Path: path, Record: cut, Err: fmt.Errorf("the feed is cut off in this item (%v): %w", clip(cutErr.Error(), 200), unspun.ErrInvalid)})
		}
	}()
	fails := 0
	for i, item := range feed.Items {
		if err := ctx.Err(); err != nil {
			return err
		}
		if item == nil {
			continue
		}
		a, err := feedArticle(feed, item)
		if err != nil {
			bad(&Error{Path: path, Record: i + 1, Err: err})
			if fails++; fails >= opts.MaxErrors {
				bad(&Error{Path: path, Err: fmt.Errorf("%d bad records: skipping the rest of the file", fails)})
				return nil
			}
			continue
		}
		if err := emit(a); err != nil {
			return err
		}
	}
	return nil
}

// completeItems returns the part of a cut-off RSS or Atom document up to
// the end of its last complete item, closed so that it parses, and the
// number of items in it; nil when it has no complete item.
func completeItems(data []byte) ([]byte, int) {
	for _, tags := range [][3]string{{"</item>", "</channel></rss>", "<item"}, {"</entry>", "</feed>", "<entry"}} {
		end := bytes.LastIndex(data, []byte(tags[0]))
		if end < 0 {
			continue
		}
		end += len(tags[0])
		head := append(append([]byte{}, data[:end]...), tags[1]...)
		return head, bytes.Count(data[:end], []byte(tags[2]))
	}
	return nil, 0
}

// parseFeed runs gofeed, turning a panic in it into an error: feeds are
// hostile and the parser is not ours.
func parseFeed(data []byte) (feed *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("parser failed: %v", r)
		}
	}()
	return gofeed.NewParser().Parse(bytes.NewReader(data))
}

func feedArticle(feed *gofeed.Feed, item *gofeed.Item) (unspun.Article, error) {
	var a unspun.Article
	content := item.Content
	if strings.TrimSpace(content) == "" {
		content = item.Description
	}
	a.Body = page.FragmentText(content)
	if a.Body == "" {
		return a, fmt.Errorf("item has no content or description: %w", unspun.ErrInvalid)
	}
	a.URL = strings.TrimSpace(item.Link)
	a.ID = a.URL
	if a.ID == "" {
		a.ID = strings.TrimSpace(item.GUID)
	}
	if a.ID == "" {
		return a, fmt.Errorf("item has neither link nor guid: %w", unspun.ErrInvalid)
	}
	a.Title = page.FragmentText(item.Title)
	switch {
	case item.PublishedParsed != nil:
		a.Published = *item.PublishedParsed
	case item.UpdatedParsed != nil:
		a.Published = *item.UpdatedParsed
	}
	a.Site = SiteOf(a.URL)
	if a.Site == "" {
		a.Site = SiteOf(feed.Link)
	}
	a.Lang = feed.Language
	return a, nil
}
