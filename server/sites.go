package server

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/site"
)

// The sites page shows who copies whom: the farm networks with their
// evidence, a drawing of the copy graph, and the sites least original
// first. It is rendered on the server, the drawing as inline SVG, so the
// page needs no script (the CSP allows none).

// maxSiteRows bounds the sites listed on the page; the API lists them all.
const maxSiteRows = 200

// maxGraphEdges bounds the copy edges drawn: the most copied sentences
// first. A drawing of thousands of edges shows nothing.
const maxGraphEdges = 60

// sitesPage is what the sites template shows.
type sitesPage struct {
	Sites    []siteRow
	More     int // sites not listed
	Networks []site.Network
	Graph    graph
}

// siteRow is one site of the table.
type siteRow struct {
	site.Site
	Top   []site.Edge // the sites it copies most from
	Delay string      // median copy delay, "" when unknown
}

// graph is the copy graph laid out for SVG: sites on a circle, an arrow
// from each copier to its source.
type graph struct {
	Width, Height int
	Nodes         []graphNode
	Edges         []graphEdge
}

type graphNode struct {
	Name    string
	Label   string // the name, cut to fit beside the circle
	X, Y    float64
	LabelX  float64
	LabelY  float64
	Anchor  string // text-anchor of the label: outside the circle
	Colour  string // the network's colour, grey for a site in none
	Network int
}

type graphEdge struct {
	X1, Y1, X2, Y2 float64
	Width          float64
	Title          string
}

// webSites shows the sites page.
func (s *Server) webSites(w http.ResponseWriter, r *http.Request) {
	sites, networks, err := s.siteViews(r.Context())
	if err != nil {
		s.webError(w, r, err)
		return
	}
	page := sitesPage{Networks: networks, Graph: layout(sites)}
	order := make([]int, len(sites))
	for i := range order {
		order[i] = i
	}
	// Least original first: the sites a reader came to check.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sites[a].Originality, sites[b].Originality) })
	for _, i := range order[:min(len(order), maxSiteRows)] {
		st := sites[i]
		row := siteRow{Site: st, Top: st.CopiesFrom[:min(3, len(st.CopiesFrom))]}
		if st.MedianDelay >= 0 && len(st.CopiesFrom) > 0 {
			row.Delay = delay(st.MedianDelay)
		}
		page.Sites = append(page.Sites, row)
	}
	page.More = len(sites) - len(page.Sites)
	s.render(w, r, http.StatusOK, "unspun: sites of the index", func(w io.Writer, _ *report.HTMLReport) error {
		return webTemplates.ExecuteTemplate(w, "sites", page)
	}, false)
}

// delay writes a copy delay for people: minutes, hours or days.
func delay(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%.0f min", d.Minutes())
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// layout draws the maxGraphEdges edges with the most copied sentences:
// their sites on a circle, a network's sites next to each other.
func layout(sites []site.Site) graph {
	var edges []site.Edge
	network := map[string]int{}
	for _, st := range sites {
		edges = append(edges, st.CopiesFrom...)
		network[st.Name] = st.Network
	}
	slices.SortStableFunc(edges, func(a, b site.Edge) int { return cmp.Compare(b.Sentences, a.Sentences) })
	edges = edges[:min(len(edges), maxGraphEdges)]
	var names []string
	seen := map[string]bool{}
	for _, e := range edges {
		for _, n := range []string{e.From, e.To} {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	// Networks together (in network order), then the other sites by name.
	slices.SortStableFunc(names, func(a, b string) int {
		na, nb := network[a], network[b]
		if (na < 0) != (nb < 0) {
			if na < 0 {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(na, nb); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	// Labels stand beside the circle: room for them left and right, a
	// line's height above and below.
	const radius, side, top = 215.0, 150.0, 24.0
	g := graph{Width: int(2 * (radius + side)), Height: int(2 * (radius + top))}
	cx, cy := radius+side, radius+top
	at := map[string]int{}
	for k, n := range names {
		angle := 2*math.Pi*float64(k)/float64(len(names)) - math.Pi/2
		cos, sin := math.Cos(angle), math.Sin(angle)
		node := graphNode{Name: n, Label: cut(n, maxLabel), X: round1(cx + radius*cos), Y: round1(cy + radius*sin), Network: network[n], Colour: "#9e9e9e",
			LabelX: round1(cx + (radius+12)*cos), LabelY: round1(cy + (radius+12)*sin + 4), Anchor: "start"}
		if cos < -0.01 {
			node.Anchor = "end"
		}
		if node.Network >= 0 {
			node.Colour = fmt.Sprintf("hsl(%d,65%%,42%%)", (node.Network*137+10)%360)
		}
		at[n] = len(g.Nodes)
		g.Nodes = append(g.Nodes, node)
	}
	const nodeRadius = 7
	for _, e := range edges {
		a, b := g.Nodes[at[e.From]], g.Nodes[at[e.To]]
		dx, dy := b.X-a.X, b.Y-a.Y
		length := math.Hypot(dx, dy)
		if length < 2*nodeRadius+1 {
			continue
		}
		ux, uy := dx/length, dy/length
		// From the copier's edge to the source's edge, so the arrow's head shows.
		g.Edges = append(g.Edges, graphEdge{
			X1: round1(a.X + ux*nodeRadius), Y1: round1(a.Y + uy*nodeRadius),
			X2: round1(b.X - ux*(nodeRadius+3)), Y2: round1(b.Y - uy*(nodeRadius+3)),
			Width: round1(0.8 + 3.2*e.Weight),
			Title: fmt.Sprintf("%s copies from %s: %d sentences in %d articles (%.0f%% of its articles)", e.From, e.To, e.Sentences, e.Articles, 100*e.Weight),
		})
	}
	return g
}

// maxLabel is the most characters of a site's name drawn beside its node:
// what fits in the drawing's side margin at 11 px.
const maxLabel = 22

// cut shortens s to n characters, the last an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
