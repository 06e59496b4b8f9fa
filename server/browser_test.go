package server

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/unspun/unspun/demo"
)

// These tests drive a real browser (Debian's chromium, which .ci/run
// installs) through the web page: paste a farm page, see the sentences
// marked by origin, open a source beside its copy with the edits marked,
// and check that a hostile article runs nothing. Screenshots go to the
// test's temporary directory, or to $UNSPUN_SCREENSHOTS when set.

// browser starts a headless chromium, or skips the test when there is
// none (and fails when $UNSPUN_REQUIRE_BROWSER is set, as in CI).
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("UNSPUN_REQUIRE_BROWSER") != "" {
			t.Fatal("no chromium on PATH, and UNSPUN_REQUIRE_BROWSER is set")
		}
		t.Skip("no chromium on PATH (.ci/run installs Debian's chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1200, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// screenshot saves a PNG of the whole page and logs where.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("UNSPUN_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
}

func TestBrowserTraceView(t *testing.T) {
	ctx := browser(t)
	_, ts := newServer(t, Config{})
	page := articles(t, demo.Farm())[2] // the farm page with a changed fact
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SetValue(chromedp.ID("title"), page.Title),
		chromedp.SetValue(chromedp.ID("text"), page.Body),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.s.copied`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	copied := eval[int](t, ctx, `document.querySelectorAll('.s.copied').length`)
	if copied < 5 {
		t.Errorf("%d sentences marked copied, want most of the page's 9", copied)
	}
	// The sentence whose source shows a changed fact: open it.
	if !eval[bool](t, ctx, `(() => { const d = [...document.querySelectorAll('.s.copied details')].find(d => d.querySelector('.fact')); if (!d) return false; d.id = 'probe'; return true })()`) {
		t.Fatal("no copied sentence shows a changed fact")
	}
	if eval[bool](t, ctx, `document.querySelector('#probe .pair').checkVisibility()`) {
		t.Error("a source is shown before it is opened")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#probe summary`)), chromedp.WaitVisible(chromedp.CSS(`#probe .pair`))); err != nil {
		t.Fatal(err)
	}
	edits := eval[[]string](t, ctx, `[...document.querySelectorAll('#probe .del, #probe .ins')].map(e => e.textContent)`)
	fact := eval[string](t, ctx, `document.querySelector('#probe .fact').textContent`)
	if len(edits) == 0 || !strings.Contains(fact, "changed fact") {
		t.Errorf("opened source: edits %q, fact %q; want marked edits and the changed fact", edits, fact)
	}
	screenshot(t, ctx, "trace-view.png")

	// A phone-sized screen: nothing wider than the screen.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the trace view is wider than a 390 px screen")
	}
	screenshot(t, ctx, "trace-view-phone.png")
}

func TestBrowserSitesPage(t *testing.T) {
	ctx := browser(t)
	_, ts := newServer(t, Config{Store: linkedDemoStore(t)})
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/sites"), chromedp.WaitVisible(chromedp.CSS(`svg.graph`))); err != nil {
		t.Fatal(err)
	}
	// The drawing is laid out by the browser: arrows of some length, inside it.
	if n := eval[int](t, ctx, `[...document.querySelectorAll('svg.graph line')].filter(l => l.getTotalLength() > 10).length`); n == 0 {
		t.Error("the copy graph draws no arrow")
	}
	if eval[bool](t, ctx, `(() => { const b = document.querySelector('svg.graph').getBBox(); const v = document.querySelector('svg.graph').viewBox.baseVal; return b.x < v.x - 1 || b.y < v.y - 1 || b.x + b.width > v.x + v.width + 1 || b.y + b.height > v.y + v.height + 1 })()`) {
		t.Error("the drawing runs out of its box")
	}
	// A network's swaps are folded until asked for.
	if eval[bool](t, ctx, `document.querySelector('section.network details table').checkVisibility()`) {
		t.Error("the swap table shows before it is opened")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`section.network details summary`)), chromedp.WaitVisible(chromedp.CSS(`section.network details table`))); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "sites.png")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
		t.Error("the sites page is wider than a 390 px screen")
	}
	screenshot(t, ctx, "sites-phone.png")
}

func TestBrowserHostileArticleRunsNothing(t *testing.T) {
	ctx := browser(t)
	evil := hostile
	evil.Title = `<img src=x onerror="window.pwned='title'">Lake`
	evil.Body = `The ferry to Lisk ran again on Monday after a week of repairs, its captain said. </script><script>window.pwned='body'</script> “<img src=x onerror="window.pwned='quote'">,” said <b onmouseover="window.pwned='b'">Hugo</b>.`
	_, ts := newServer(t, Config{}, evil)
	err := chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SetValue(chromedp.ID("title"), evil.Title),
		chromedp.SetValue(chromedp.ID("url"), "javascript:window.pwned='url'"),
		chromedp.SetValue(chromedp.ID("text"), evil.Body),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.s`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	found := eval[int](t, ctx, `document.querySelectorAll('.s.copied').length`)
	bad := eval[int](t, ctx, `document.querySelectorAll('img, script, iframe, [onerror], [onmouseover]').length`)
	plainLinks := eval[bool](t, ctx, `[...document.links].every(l => l.protocol === 'http:' || l.protocol === 'https:')`)
	pwned := eval[string](t, ctx, `String(window.pwned)`)
	if found == 0 {
		t.Fatal("the hostile source was not found: the test would check too little")
	}
	if pwned != "undefined" || bad != 0 || !plainLinks {
		t.Errorf("hostile article: window.pwned=%s, %d active elements, http-only links %v", pwned, bad, plainLinks)
	}
	screenshot(t, ctx, "hostile.png")
}

// eval runs JavaScript in the page (through the DevTools protocol, which
// the page's CSP does not govern) and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}
