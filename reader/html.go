package reader

import (
	"bufio"
	"fmt"
	"io"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/page"
)

// readPage reads one saved page and queues it to be parsed in the
// background. The id is the path as given.
func (s *session) readPage(path string, br *bufio.Reader) error {
	limit := s.opts.MaxRecordBytes
	data, err := io.ReadAll(io.LimitReader(br, int64(limit)+1))
	switch {
	case err != nil:
		return s.pages.push(settled(path, 0, readError(err)))
	case len(data) > limit:
		return s.pages.push(settled(path, 0, fmt.Errorf("page longer than %d bytes: %w", limit, unspun.ErrInvalid)))
	}
	return s.pages.push(pending(path, 0, func() (unspun.Article, error) {
		a, err := page.Parse(data, page.Hints{})
		if err != nil {
			return a, err
		}
		a.ID = path
		a.Site = SiteOf(a.URL)
		return a, nil
	}))
}
