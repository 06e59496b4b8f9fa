package reader

import (
	"bufio"
	"fmt"
	"io"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/page"
)

// readHTML reads one saved page. The id is the path as given.
func readHTML(path string, br *bufio.Reader, opts Options, emit func(unspun.Article) error, bad func(*Error)) error {
	data, err := io.ReadAll(io.LimitReader(br, int64(opts.MaxRecordBytes)+1))
	if err != nil {
		bad(&Error{Path: path, Err: readError(err)})
		return nil
	}
	if len(data) > opts.MaxRecordBytes {
		bad(&Error{Path: path, Err: fmt.Errorf("page longer than %d bytes: %w", opts.MaxRecordBytes, unspun.ErrInvalid)})
		return nil
	}
	a, err := page.Parse(data, page.Hints{})
	if err != nil {
		bad(&Error{Path: path, Err: err})
		return nil
	}
	a.ID = path
	a.Site = SiteOf(a.URL)
	return emit(a)
}
