package site

import (
	"cmp"
	"slices"
)

// A farm network betrays itself by its spin dictionary: its sites make the
// same word swaps ("Russia" → "Russian Federation"), which honest outlets
// do not make. But every spinner also knows stock swaps ("said" → "stated")
// and makes the same typos, so only distinctive swaps count: those made by
// at most half the sites that make any swap (with few spinning sites, every
// swap counts: they cannot be told from stock ones). Two sites are linked
// when they share at least MinSharedSwaps distinctive swaps; a network is a
// connected group of two or more linked sites. An honest site that runs
// wire copy word for word makes no swaps and joins no network.
//
// On synthetic worlds of twenty honest outlets and three networks of 3, 4
// and 6 sites over twenty stock swaps (unspun synth --world), pairs of
// sites of different networks share at most two distinctive swaps, pairs of
// one network two to fifteen.

// NetworkOptions tune the grouping.
type NetworkOptions struct {
	MinSharedSwaps int     // distinctive swaps two linked sites share
	CommonShare    float64 // a swap made by more than this share of the spinning sites is common…
	FewSpinners    int     // …unless this many sites or fewer make any swap at all
	MinSwapCount   int64   // a swap seen fewer times on a site is not its habit
}

// DefaultNetworkOptions are the defaults of `unspun sites --networks`.
var DefaultNetworkOptions = NetworkOptions{MinSharedSwaps: 3, CommonShare: 0.5, FewSpinners: 3, MinSwapCount: 1}

// Network is a group of sites run as one, with the evidence.
type Network struct {
	ID    int
	Sites []string
	// SharedSpin lists the swaps two or more of its sites make, rarest
	// across all sites first.
	SharedSpin []SharedSwap
	// SharedSources are the sites that two or more of its sites copy from.
	SharedSources []string
}

// SharedSwap is one swap of a network and the sites that make it.
type SharedSwap struct {
	From, To string
	Sites    []string
	Count    int64 // over those sites
}

// maxEvidence bounds the swaps listed as a network's evidence.
const maxEvidence = 20

// Networks groups sites into networks, sets each site's Network, and
// returns the networks, largest first.
func Networks(sites []Site, in Input, opts NetworkOptions) []Network {
	type swap struct{ from, to string }
	counts := make([]map[swap]int64, len(sites))
	df := map[swap]int{}
	spinning := 0
	for i, s := range sites {
		counts[i] = map[swap]int64{}
		for _, sub := range in.Spin[s.Name] {
			if sub.Count >= opts.MinSwapCount {
				counts[i][swap{sub.From, sub.To}] = sub.Count
			}
		}
		for w := range counts[i] {
			df[w]++
		}
		if len(counts[i]) > 0 {
			spinning++
		}
	}
	distinctive := func(w swap) bool {
		return spinning <= opts.FewSpinners || float64(df[w]) <= opts.CommonShare*float64(spinning)
	}
	// Sites sharing a swap are the only candidate pairs.
	bySwap := map[swap][]int{}
	for i := range sites {
		for w := range counts[i] {
			if distinctive(w) {
				bySwap[w] = append(bySwap[w], i)
			}
		}
	}
	parent := make([]int, len(sites))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	// Each list holds the sites making one distinctive swap, in ascending
	// order: counting its pairs counts the swaps each pair shares.
	shared := map[[2]int]int{}
	for _, group := range bySwap {
		for x := 0; x < len(group); x++ {
			for y := x + 1; y < len(group); y++ {
				shared[[2]int{group[x], group[y]}]++
			}
		}
	}
	for p, n := range shared {
		if n >= opts.MinSharedSwaps {
			parent[find(p[0])] = find(p[1])
		}
	}
	members := map[int][]int{}
	for i := range sites {
		members[find(i)] = append(members[find(i)], i)
	}
	var nets []Network
	for _, m := range members {
		if len(m) < 2 {
			continue // a network of one is no network
		}
		n := Network{}
		shared := map[swap][]int{}
		sources := map[string]int{}
		for _, i := range m {
			n.Sites = append(n.Sites, sites[i].Name)
			for w := range counts[i] {
				shared[w] = append(shared[w], i)
			}
			for _, e := range sites[i].CopiesFrom {
				sources[e.To]++
			}
		}
		slices.Sort(n.Sites)
		for w, who := range shared {
			if len(who) < 2 {
				continue
			}
			ss := SharedSwap{From: w.from, To: w.to}
			for _, i := range who {
				ss.Sites = append(ss.Sites, sites[i].Name)
				ss.Count += counts[i][w]
			}
			slices.Sort(ss.Sites)
			n.SharedSpin = append(n.SharedSpin, ss)
		}
		slices.SortFunc(n.SharedSpin, func(a, b SharedSwap) int {
			return cmp.Or(cmp.Compare(df[swap{a.From, a.To}], df[swap{b.From, b.To}]), cmp.Compare(b.Count, a.Count),
				cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
		})
		n.SharedSpin = n.SharedSpin[:min(len(n.SharedSpin), maxEvidence)]
		for src, k := range sources {
			if k >= 2 {
				n.SharedSources = append(n.SharedSources, src)
			}
		}
		slices.Sort(n.SharedSources)
		nets = append(nets, n)
	}
	slices.SortFunc(nets, func(a, b Network) int {
		return cmp.Or(cmp.Compare(len(b.Sites), len(a.Sites)), cmp.Compare(a.Sites[0], b.Sites[0]))
	})
	index := map[string]int{}
	for i := range sites {
		index[sites[i].Name] = i
	}
	for k := range nets {
		nets[k].ID = k
		for _, name := range nets[k].Sites {
			sites[index[name]].Network = k
		}
	}
	return nets
}
