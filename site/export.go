package site

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The copy graph for other tools: GEXF (Gephi's format, the one the
// research on news-copying networks uses), GraphML and Graphviz DOT. Nodes
// are sites with their articles, originality and network; edges run from
// the copier to the source, weighted by the share of the copier's articles
// that copy from the source, with copied sentences, articles and the
// median delay in hours as attributes.

type gexfDoc struct {
	XMLName xml.Name  `xml:"http://gexf.net/1.3 gexf"`
	Version string    `xml:"version,attr"`
	Meta    gexfMeta  `xml:"meta"`
	Graph   gexfGraph `xml:"graph"`
}

type gexfMeta struct {
	Creator     string `xml:"creator"`
	Description string `xml:"description"`
}

type gexfGraph struct {
	DefaultEdgeType string          `xml:"defaultedgetype,attr"`
	Mode            string          `xml:"mode,attr"`
	Attributes      []gexfAttrGroup `xml:"attributes"`
	Nodes           []gexfNode      `xml:"nodes>node"`
	Edges           []gexfEdge      `xml:"edges>edge"`
}

type gexfAttrGroup struct {
	Class string     `xml:"class,attr"`
	Attrs []gexfAttr `xml:"attribute"`
}

type gexfAttr struct {
	ID    string `xml:"id,attr"`
	Title string `xml:"title,attr"`
	Type  string `xml:"type,attr"`
}

type gexfNode struct {
	ID     string      `xml:"id,attr"`
	Label  string      `xml:"label,attr"`
	Values []gexfValue `xml:"attvalues>attvalue"`
}

type gexfEdge struct {
	ID     string      `xml:"id,attr"`
	Source string      `xml:"source,attr"`
	Target string      `xml:"target,attr"`
	Weight float64     `xml:"weight,attr"`
	Values []gexfValue `xml:"attvalues>attvalue"`
}

type gexfValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

func hours(e Edge) string {
	if e.MedianDelay < 0 {
		return ""
	}
	return strconv.FormatFloat(e.MedianDelay.Hours(), 'f', 2, 64)
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

// WriteGEXF writes the copy graph as GEXF 1.3.
func WriteGEXF(w io.Writer, sites []Site, edges []Edge) error {
	doc := gexfDoc{Version: "1.3", Meta: gexfMeta{Creator: "unspun", Description: "who copies whom: edges run from the copier to the source"},
		Graph: gexfGraph{DefaultEdgeType: "directed", Mode: "static", Attributes: []gexfAttrGroup{
			{Class: "node", Attrs: []gexfAttr{{"articles", "articles", "integer"}, {"originality", "originality", "double"}, {"network", "network", "integer"}}},
			{Class: "edge", Attrs: []gexfAttr{{"sentences", "copied sentences", "integer"}, {"articles", "copying articles", "integer"}, {"delay", "median delay (hours)", "double"}}},
		}}}
	for _, s := range sites {
		doc.Graph.Nodes = append(doc.Graph.Nodes, gexfNode{ID: s.Name, Label: s.Name, Values: []gexfValue{
			{"articles", strconv.Itoa(s.Articles)}, {"originality", ftoa(s.Originality)}, {"network", strconv.Itoa(s.Network)}}})
	}
	for i, e := range edges {
		vals := []gexfValue{{"sentences", strconv.Itoa(e.Sentences)}, {"articles", strconv.Itoa(e.Articles)}}
		if h := hours(e); h != "" {
			vals = append(vals, gexfValue{"delay", h})
		}
		doc.Graph.Edges = append(doc.Graph.Edges, gexfEdge{ID: strconv.Itoa(i), Source: e.From, Target: e.To, Weight: e.Weight, Values: vals})
	}
	return writeXML(w, doc)
}

type graphml struct {
	XMLName xml.Name     `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []graphmlKey `xml:"key"`
	Graph   graphmlGraph `xml:"graph"`
}

type graphmlKey struct {
	ID   string `xml:"id,attr"`
	For  string `xml:"for,attr"`
	Name string `xml:"attr.name,attr"`
	Type string `xml:"attr.type,attr"`
}

type graphmlGraph struct {
	ID          string        `xml:"id,attr"`
	EdgeDefault string        `xml:"edgedefault,attr"`
	Nodes       []graphmlNode `xml:"node"`
	Edges       []graphmlEdge `xml:"edge"`
}

type graphmlNode struct {
	ID   string        `xml:"id,attr"`
	Data []graphmlData `xml:"data"`
}

type graphmlEdge struct {
	Source string        `xml:"source,attr"`
	Target string        `xml:"target,attr"`
	Data   []graphmlData `xml:"data"`
}

type graphmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// WriteGraphML writes the copy graph as GraphML.
func WriteGraphML(w io.Writer, sites []Site, edges []Edge) error {
	doc := graphml{Keys: []graphmlKey{
		{"articles", "node", "articles", "int"}, {"originality", "node", "originality", "double"}, {"network", "node", "network", "int"},
		{"weight", "edge", "weight", "double"}, {"sentences", "edge", "sentences", "int"}, {"copying", "edge", "articles", "int"}, {"delay", "edge", "median_delay_hours", "double"},
	}, Graph: graphmlGraph{ID: "copies", EdgeDefault: "directed"}}
	for _, s := range sites {
		doc.Graph.Nodes = append(doc.Graph.Nodes, graphmlNode{ID: s.Name, Data: []graphmlData{
			{"articles", strconv.Itoa(s.Articles)}, {"originality", ftoa(s.Originality)}, {"network", strconv.Itoa(s.Network)}}})
	}
	for _, e := range edges {
		data := []graphmlData{{"weight", ftoa(e.Weight)}, {"sentences", strconv.Itoa(e.Sentences)}, {"copying", strconv.Itoa(e.Articles)}}
		if h := hours(e); h != "" {
			data = append(data, graphmlData{"delay", h})
		}
		doc.Graph.Edges = append(doc.Graph.Edges, graphmlEdge{Source: e.From, Target: e.To, Data: data})
	}
	return writeXML(w, doc)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// dotID quotes a name as a DOT ID: every name is quoted, with quotes and
// backslashes escaped and line breaks removed, so no site name can end the
// statement.
func dotID(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "\r", " ").Replace(s)
	return `"` + s + `"`
}

// WriteDOT writes the copy graph in Graphviz's DOT language.
func WriteDOT(w io.Writer, sites []Site, edges []Edge) error {
	var b strings.Builder
	b.WriteString("digraph copies {\n  // edges run from the copier to the source; penwidth grows with the weight\n")
	for _, s := range sites {
		fmt.Fprintf(&b, "  %s [label=%s, articles=%d, originality=%s, network=%d];\n", dotID(s.Name), dotID(fmt.Sprintf("%s\n%.0f%% original", s.Name, 100*s.Originality)), s.Articles, ftoa(s.Originality), s.Network)
	}
	for _, e := range edges {
		fmt.Fprintf(&b, "  %s -> %s [weight=%s, penwidth=%s, sentences=%d, articles=%d", dotID(e.From), dotID(e.To), ftoa(e.Weight), ftoa(1+4*e.Weight), e.Sentences, e.Articles)
		if h := hours(e); h != "" {
			fmt.Fprintf(&b, ", median_delay_hours=%s", h)
		}
		b.WriteString("];\n")
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}
