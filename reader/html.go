package reader

import (
	"bufio"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/page"
)

// readPage reads one saved page and queues it to be parsed in the
// background. The id is the path as given.
func (s *session) readPage(path string, br *bufio.Reader) error {
	data, err := readWhole(br, s.opts.MaxRecordBytes, "page")
	if err != nil {
		return s.pages.push(settled(path, 0, err))
	}
	return s.pages.push(pending(path, 0, func() (unspun.Article, error) {
		a, err := page.Parse(data, page.Hints{})
		if err != nil {
			return a, err
		}
		a.ID = path
		if path == "-" {
			a.ID = a.URL // a page read from stdin is named by its canonical URL, else by its text
			if a.ID == "" {
				a.ID = StdinID(a.Body)
			}
		}
		a.Site = SiteOf(a.URL)
		return a, nil
	}))
}
