package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/unspun/unspun/report"
	"github.com/unspun/unspun/site"
)

const sitesHelp = `
Usage: unspun sites [--db DIR] [--networks] [--format text|json|gexf|graphml|dot]

Per site, from the links 'unspun link' (or 'add --link') stored: its linked
articles and sentences, its originality (the share of its sentences with no
source on another site published before them), the sites it copies from
(copied sentences, articles, the share of its articles that copy from each,
the median delay between the source's publication and the copy's), and its
spin lexicon (the word swaps its verified copies made). Articles without a
site are left out; articles without a date count but give no delay.

--networks adds the groups of sites run as one network: sites whose word
swaps agree (rare swaps weigh most), with the shared swaps and the sources
two or more of them copy from as evidence. A site that copies word for word
makes no swaps and joins no network.

--format gexf, graphml or dot writes the copy graph (edges from the copier
to the source, weighted by that share) for Gephi, yEd or Graphviz.
`

func runSites(ctx context.Context, a *app, args []string) int {
	fs := a.flagSet("sites", sitesHelp)
	db := fs.String("db", a.defaultDB(), "index directory ($UNSPUN_DB)")
	networks := fs.Bool("networks", false, "also list the farm networks, with their evidence")
	format := formatFlag(fs, "output format: text, json (JSON Lines), gexf, graphml or dot", "text", "json", "gexf", "graphml", "dot")
	rest, code := a.parse(fs, args)
	if code >= 0 {
		return code
	}
	if !a.noArgs("sites", rest) {
		return exitUsage
	}
	s, err := a.openDB(*db, false)
	if err != nil {
		return a.fail("sites", err)
	}
	defer s.Close()
	start := time.Now()
	in, err := site.Read(ctx, s)
	if err != nil {
		return a.fail("sites", err)
	}
	if len(in.Links) == 0 {
		fmt.Fprintf(a.stderr, "unspun sites: no article of %s is linked yet: run 'unspun link --db %s' (or add with --link)\n", *db, *db)
	}
	sites, edges := site.Build(in)
	nets := site.Networks(sites, in, site.DefaultNetworkOptions)
	switch format.value {
	case "gexf":
		err = site.WriteGEXF(a.stdout, sites, edges)
	case "graphml":
		err = site.WriteGraphML(a.stdout, sites, edges)
	case "dot":
		err = site.WriteDOT(a.stdout, sites, edges)
	case "json":
		for _, st := range sites {
			if err = report.WriteJSON(a.stdout, report.Site(st)); err != nil {
				break
			}
		}
		for _, n := range nets {
			if !*networks || err != nil {
				break
			}
			err = report.WriteJSON(a.stdout, report.Network(n))
		}
	default:
		writeSites(a, sites, nets, *networks)
	}
	if err != nil {
		return a.fail("sites", err)
	}
	fmt.Fprintf(a.stderr, "%s, %s, %s from %s in %.2fs\n", report.Plural(len(sites), "site"), report.Plural(len(edges), "copy edge"),
		report.Plural(len(nets), "network"), report.Plural(len(in.Links), "linked article"), time.Since(start).Seconds())
	return exitOK
}

// writeSites prints the text view.
func writeSites(a *app, sites []site.Site, nets []site.Network, networks bool) {
	for _, st := range sites {
		fmt.Fprintf(a.stdout, "%s · %s · %s · originality %.0f%%", st.Name, report.Plural(st.Articles, "article"), report.Plural(st.Sentences, "sentence"), 100*st.Originality)
		if st.MedianDelay >= 0 {
			fmt.Fprintf(a.stdout, " · median copy delay %s", hoursText(st.MedianDelay))
		}
		if st.Network >= 0 {
			fmt.Fprintf(a.stdout, " · network %d", st.Network)
		}
		fmt.Fprintln(a.stdout)
		for i, e := range st.CopiesFrom {
			if i == 5 {
				fmt.Fprintf(a.stdout, "    … and %s more\n", report.Plural(len(st.CopiesFrom)-5, "source site"))
				break
			}
			fmt.Fprintf(a.stdout, "    copies from %s: %s in %s (%.0f%% of its articles)", e.To, report.Plural(e.Sentences, "sentence"), report.Plural(e.Articles, "article"), 100*e.Weight)
			if e.MedianDelay >= 0 {
				fmt.Fprintf(a.stdout, ", median delay %s", hoursText(e.MedianDelay))
			}
			fmt.Fprintln(a.stdout)
		}
		if len(st.Spin) > 0 {
			var sw []string
			for _, sub := range st.Spin {
				sw = append(sw, fmt.Sprintf("%s → %s (%d)", sub.From, sub.To, sub.Count))
			}
			fmt.Fprintf(a.stdout, "    spin: %s\n", strings.Join(sw, ", "))
		}
	}
	if !networks {
		return
	}
	if len(nets) == 0 {
		fmt.Fprintln(a.stdout, "\nno network: no two sites make the same word swaps")
	}
	for _, n := range nets {
		fmt.Fprintf(a.stdout, "\nnetwork %d: %s\n", n.ID, strings.Join(n.Sites, ", "))
		for _, ss := range n.SharedSpin {
			fmt.Fprintf(a.stdout, "    shared spin %s → %s (%d times) on %s\n", ss.From, ss.To, ss.Count, strings.Join(ss.Sites, ", "))
		}
		if len(n.SharedSources) > 0 {
			fmt.Fprintf(a.stdout, "    shared sources: %s\n", strings.Join(n.SharedSources, ", "))
		}
	}
}

func hoursText(d time.Duration) string {
	return fmt.Sprintf("%.1f h", d.Hours())
}
