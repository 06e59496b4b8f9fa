package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/unspun/unspun/store"
)

var day = time.Date(2031, 3, 14, 6, 0, 0, 0, time.UTC)

// world is a small hand-made input: a wire, an honest outlet that reprints
// it, and a farm that copies both and re-runs one of its own pages.
func world() Input {
	art := func(id, site string, hours int) Article {
		a := Article{ID: id, Site: site}
		if hours >= 0 {
			a.Published = day.Add(time.Duration(hours) * time.Hour)
		}
		return a
	}
	arts := []Article{
		art("w1", "wire.test", 0), art("w2", "wire.test", 1),
		art("h1", "honest.test", 3),                                                        // reprints w1
		art("f1", "farm.test", 10), art("f2", "farm.test", 20), art("f3", "farm.test", -1), // f3: no date
		art("x1", "", 5), // no site
	}
	in := Input{Articles: map[string]Article{}, Spin: map[string][]store.Substitution{
		"farm.test": {{Site: "farm.test", From: "said", To: "stated", Count: 4}},
	}}
	for _, a := range arts {
		in.Articles[a.ID] = a
	}
	link := func(start int, src string, origin bool) store.Link {
		return store.Link{Start: start, End: start + 10, Source: src, Origin: origin, Similarity: 0.9, Coverage: 1}
	}
	in.Links = []store.Links{
		{Article: "w1", Sentences: 4}, {Article: "w2", Sentences: 2},
		{Article: "h1", Sentences: 4, Links: []store.Link{link(0, "w1", true), link(10, "w1", true)}},
		// f1: one sentence from the wire (origin) also carried by the honest
		// reprint, one from the honest outlet alone.
		{Article: "f1", Sentences: 5, Links: []store.Link{link(0, "w1", true), link(0, "h1", false), link(20, "h1", true)}},
		// f2 re-runs f1's sentence (same site: not copying) and copies w2.
		{Article: "f2", Sentences: 4, Links: []store.Link{link(0, "f1", true), link(30, "w2", true)}},
		{Article: "f3", Sentences: 2, Links: []store.Link{link(0, "w2", true)}},
		{Article: "x1", Sentences: 3, Links: []store.Link{link(0, "w1", true)}},
		{Article: "gone", Sentences: 3, Links: []store.Link{link(0, "w1", true)}}, // replaced since linked
	}
	return in
}

func TestBuild(t *testing.T) {
	sites, edges := Build(world())
	got := map[string]Site{}
	for _, s := range sites {
		got[s.Name] = s
	}
	if len(sites) != 3 {
		t.Fatalf("%d sites, want wire, honest and farm (no site and replaced articles left out): %+v", len(sites), sites)
	}
	farm := got["farm.test"]
	if farm.Articles != 3 || farm.Sentences != 11 || farm.Copied != 4 {
		t.Errorf("farm: %d articles, %d sentences, %d copied; want 3, 11, 4 (its own re-run does not count)", farm.Articles, farm.Sentences, farm.Copied)
	}
	if want := 1 - 4.0/11; farm.Originality != want {
		t.Errorf("farm originality %v, want %v", farm.Originality, want)
	}
	if w := got["wire.test"]; w.Originality != 1 || len(w.CopiesFrom) != 0 {
		t.Errorf("wire: %+v, want wholly original", w)
	}
	edge := func(from, to string) Edge {
		for _, e := range edges {
			if e.From == from && e.To == to {
				return e
			}
		}
		t.Fatalf("no edge %s → %s in %+v", from, to, edges)
		return Edge{}
	}
	// f1's first sentence goes to its origin (the wire), not to the honest
	// reprint that also carries it.
	fw := edge("farm.test", "wire.test")
	if fw.Sentences != 3 || fw.Articles != 3 || fw.Weight != 1 {
		t.Errorf("farm → wire: %+v, want 3 sentences in 3 articles, weight 1", fw)
	}
	// Delays: f1 (10 h) − w1 (0 h), f2 (20 h) − w2 (1 h); f3 has no date.
	if fw.MedianDelay != time.Duration(14.5*float64(time.Hour)) {
		t.Errorf("farm → wire median delay %v, want 14h30m", fw.MedianDelay)
	}
	fh := edge("farm.test", "honest.test")
	if fh.Sentences != 1 || fh.Articles != 1 || fh.Weight != 1.0/3 || fh.MedianDelay != 7*time.Hour {
		t.Errorf("farm → honest: %+v", fh)
	}
	if hw := edge("honest.test", "wire.test"); hw.Sentences != 2 || hw.MedianDelay != 3*time.Hour {
		t.Errorf("honest → wire: %+v", hw)
	}
	for _, e := range edges {
		if e.From == e.To {
			t.Errorf("a self-loop: %+v", e)
		}
	}
	if len(farm.Spin) != 1 || farm.Network != -1 {
		t.Errorf("farm spin %v, network %d", farm.Spin, farm.Network)
	}
}

// spinWorld makes sites with the given swaps (each swap "from>to").
func spinWorld(sites map[string][]string) ([]Site, Input) {
	in := Input{Spin: map[string][]store.Substitution{}}
	var out []Site
	for name, swaps := range sites {
		out = append(out, Site{Name: name, Network: -1})
		for _, w := range swaps {
			from, to, _ := strings.Cut(w, ">")
			in.Spin[name] = append(in.Spin[name], store.Substitution{Site: name, From: from, To: to, Count: 2})
		}
	}
	return out, in
}

func TestNetworks(t *testing.T) {
	stock := []string{"said>stated", "town>township", "big>large", "help>aid"}
	with := func(own ...string) []string { return append(append([]string{}, stock...), own...) }
	sites, in := spinWorld(map[string][]string{
		// Network A shares three of its own swaps; network B three others.
		"a1": with("Russia>Russian Federation", "U.S.>USA", "war>conflict", "peace>calm"),
		"a2": with("Russia>Russian Federation", "U.S.>USA", "war>conflict", "jobs>employment"),
		"a3": with("U.S.>USA", "peace>calm", "jobs>employment", "Russia>Russian Federation"),
		"b1": with("flood>deluge", "missing>lacking", "families>households"),
		"b2": with("flood>deluge", "missing>lacking", "families>households"),
		// A spinner that shares only stock swaps and two of A's is alone.
		"c1": with("war>conflict", "peace>calm"),
		// An honest outlet that reprints wire copy makes no swaps.
		"honest": nil,
	})
	nets := Networks(sites, in, DefaultNetworkOptions)
	var got []string
	for _, n := range nets {
		got = append(got, strings.Join(n.Sites, ","))
	}
	if want := []string{"a1,a2,a3", "b1,b2"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("networks %v, want %v (stock swaps must not merge them; a network of one is none)", got, want)
	}
	ev := nets[0].SharedSpin
	if len(ev) == 0 || ev[0].From == "said" {
		t.Errorf("evidence %+v: the rarest shared swaps come first", ev)
	}
	for _, s := range sites {
		if (s.Name == "honest" || s.Name == "c1") && s.Network >= 0 {
			t.Errorf("%s landed in network %d", s.Name, s.Network)
		}
		if strings.HasPrefix(s.Name, "a") && s.Network != 0 {
			t.Errorf("%s in network %d, want 0", s.Name, s.Network)
		}
	}
	// With few spinning sites every swap is evidence: a lone network of
	// three that shares only what looks like stock swaps is still found.
	small, smallIn := spinWorld(map[string][]string{"x": stock[:3], "y": stock[:3], "z": stock[:3], "honest": nil})
	if nets := Networks(small, smallIn, DefaultNetworkOptions); len(nets) != 1 || len(nets[0].Sites) != 3 {
		t.Errorf("few spinners: %+v, want one network of three", nets)
	}
}

func graph() ([]Site, []Edge) {
	sites, edges := Build(world())
	sites = append(sites, Site{Name: `evil"; x -> y [label="pwn`, Network: 1, Originality: 1})
	return sites, edges
}

func TestGEXFParsesBack(t *testing.T) {
	sites, edges := graph()
	var b bytes.Buffer
	if err := WriteGEXF(&b, sites, edges); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"http://gexf.net/1.3 gexf"`
		Version string   `xml:"version,attr"`
		Graph   struct {
			DefaultEdgeType string `xml:"defaultedgetype,attr"`
			Attributes      []struct {
				Class string `xml:"class,attr"`
				Attr  []struct {
					ID   string `xml:"id,attr"`
					Type string `xml:"type,attr"`
				} `xml:"attribute"`
			} `xml:"attributes"`
			Nodes []struct {
				ID     string `xml:"id,attr"`
				Values []struct {
					For   string `xml:"for,attr"`
					Value string `xml:"value,attr"`
				} `xml:"attvalues>attvalue"`
			} `xml:"nodes>node"`
			Edges []struct {
				Source string  `xml:"source,attr"`
				Target string  `xml:"target,attr"`
				Weight float64 `xml:"weight,attr"`
			} `xml:"edges>edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("GEXF does not parse: %v", err)
	}
	if doc.Version != "1.3" || doc.Graph.DefaultEdgeType != "directed" || len(doc.Graph.Nodes) != len(sites) || len(doc.Graph.Edges) != len(edges) {
		t.Fatalf("GEXF: version %q, %q, %d nodes, %d edges", doc.Version, doc.Graph.DefaultEdgeType, len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	declared := map[string]bool{}
	for _, g := range doc.Graph.Attributes {
		for _, a := range g.Attr {
			declared[g.Class+"/"+a.ID] = true
		}
	}
	ids := map[string]bool{}
	for _, n := range doc.Graph.Nodes {
		ids[n.ID] = true
		for _, v := range n.Values {
			if !declared["node/"+v.For] {
				t.Errorf("node value for undeclared attribute %q", v.For)
			}
		}
	}
	for i, e := range doc.Graph.Edges {
		if !ids[e.Source] || !ids[e.Target] || e.Weight != edges[i].Weight {
			t.Errorf("edge %+v: unknown node or weight", e)
		}
	}
	if !ids[sites[len(sites)-1].Name] {
		t.Error("a site name with quotes did not survive as a node id")
	}
}

func TestGraphMLParsesBack(t *testing.T) {
	sites, edges := graph()
	var b bytes.Buffer
	if err := WriteGraphML(&b, sites, edges); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
		Keys    []struct {
			ID  string `xml:"id,attr"`
			For string `xml:"for,attr"`
		} `xml:"key"`
		Graph struct {
			EdgeDefault string `xml:"edgedefault,attr"`
			Nodes       []struct {
				ID   string `xml:"id,attr"`
				Data []struct {
					Key string `xml:"key,attr"`
				} `xml:"data"`
			} `xml:"node"`
			Edges []struct {
				Source string `xml:"source,attr"`
				Target string `xml:"target,attr"`
				Data   []struct {
					Key   string `xml:"key,attr"`
					Value string `xml:",chardata"`
				} `xml:"data"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("GraphML does not parse: %v", err)
	}
	keys := map[string]string{}
	for _, k := range doc.Keys {
		keys[k.ID] = k.For
	}
	if doc.Graph.EdgeDefault != "directed" || len(doc.Graph.Nodes) != len(sites) || len(doc.Graph.Edges) != len(edges) {
		t.Fatalf("GraphML: %q, %d nodes, %d edges", doc.Graph.EdgeDefault, len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	for _, e := range doc.Graph.Edges {
		for _, d := range e.Data {
			if keys[d.Key] != "edge" {
				t.Errorf("edge data with key %q not declared for edges", d.Key)
			}
		}
	}
}

func TestDOTIsWellFormed(t *testing.T) {
	sites, edges := graph()
	var b bytes.Buffer
	if err := WriteDOT(&b, sites, edges); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	if !strings.HasPrefix(text, "digraph copies {\n") || !strings.HasSuffix(text, "}\n") {
		t.Fatalf("not a digraph: %q", text)
	}
	// Every statement: a quoted node, or quoted node -> quoted node, then
	// attributes, then a semicolon; quoted strings escape their quotes.
	id := `"(?:[^"\\\n]|\\.)*"`
	stmt := regexp.MustCompile(`^  ` + id + `( -> ` + id + `)? \[(` + `[a-z_]+=(?:` + id + `|[0-9.]+|-?[0-9]+)(, )?)+\];$`)
	nodes, arrows := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(text, "}\n"), "\n")[1:] {
		if line == "" || strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		if !stmt.MatchString(line) {
			t.Errorf("not a DOT statement: %q", line)
		}
		if strings.Contains(line, `" -> "`) {
			arrows++
		} else {
			nodes++
		}
	}
	if nodes != len(sites) || arrows != len(edges) {
		t.Errorf("%d nodes and %d edges in DOT, want %d and %d", nodes, arrows, len(sites), len(edges))
	}
}

// manySites is a synthetic input of honest sites and farm networks for the
// 10k-site benchmark: every honest site writes its own articles and makes
// two common swaps; each network's sites copy honest articles and share a
// spin dictionary of their own.
func manySites(honest, networks, perNetwork int) Input {
	in := Input{Articles: map[string]Article{}, Spin: map[string][]store.Substitution{}}
	var sources []string
	for h := range honest {
		site := fmt.Sprintf("honest%05d.test", h)
		in.Spin[site] = []store.Substitution{{Site: site, From: "said", To: "stated", Count: 2}, {Site: site, From: "big", To: "large", Count: 1}}
		for k := range 5 {
			id := fmt.Sprintf("%s/%d", site, k)
			in.Articles[id] = Article{ID: id, Site: site, Published: day.Add(time.Duration(h%500+k) * time.Hour)}
			in.Links = append(in.Links, store.Links{Article: id, Sentences: 20})
			sources = append(sources, id)
		}
	}
	n := 0
	for net := range networks {
		var dict []store.Substitution
		for w := range 20 {
			dict = append(dict, store.Substitution{From: fmt.Sprintf("word%d-%d", net, w), To: fmt.Sprintf("spun%d-%d", net, w), Count: 3})
		}
		for s := range perNetwork {
			site := fmt.Sprintf("farm%03d-%02d.test", net, s)
			for w, sub := range dict {
				if (w+s)%3 != 0 { // each site makes two thirds of the dictionary
					sub.Site = site
					in.Spin[site] = append(in.Spin[site], sub)
				}
			}
			for k := range 10 {
				id := fmt.Sprintf("%s/%d", site, k)
				in.Articles[id] = Article{ID: id, Site: site, Published: day.Add(time.Duration(600+k) * time.Hour)}
				var links []store.Link
				for l := range 8 {
					n++
					links = append(links, store.Link{Start: l * 100, End: l*100 + 90, Source: sources[(n*7919)%len(sources)], Origin: true, Similarity: 0.9, Coverage: 1})
				}
				in.Links = append(in.Links, store.Links{Article: id, Sentences: 12, Links: links})
			}
		}
	}
	return in
}

// BenchmarkNetworks10kSites builds the site views and finds the networks
// of 10,000 sites: 9,000 honest, 100 networks of 10.
func BenchmarkNetworks10kSites(b *testing.B) {
	in := manySites(9000, 100, 10)
	for b.Loop() {
		sites, _ := Build(in)
		nets := Networks(sites, in, DefaultNetworkOptions)
		if len(sites) != 10000 || len(nets) != 100 {
			b.Fatalf("%d sites, %d networks; want 10000 and 100", len(sites), len(nets))
		}
		for _, nw := range nets {
			if len(nw.Sites) != 10 || !strings.HasPrefix(nw.Sites[0], "farm") {
				b.Fatalf("network %d: %v", nw.ID, nw.Sites)
			}
		}
	}
}
