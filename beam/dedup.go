// Package beam runs unspun's near-duplicate clustering (package dedup) as
// an Apache Beam pipeline, for corpora that do not fit one machine: the
// same sketches, banding and verification as `unspun dedup`, so the same
// clusters, on any Beam runner (prism in-process here and in the tests;
// Flink, Spark or Dataflow through a job server). It lives in a module of
// its own so that Beam's dependencies stay out of the unspun binary.
//
// The pipeline:
//
//  1. match the input glob; read each file with unspun's reader (every
//     format, gzip, bad records counted and logged with file and line);
//  2. sketch each article (dedup.Sketcher);
//  3. group identical sketches: one representative (the smallest id)
//     enters the banding, the others are joined to it without comparison;
//  4. key each representative by its band keys and group: every pair
//     within a bucket is a candidate; candidates are made distinct;
//  5. verify each candidate by joining both sketches to it (two
//     CoGroupByKeys) and keeping it when the sketches agree on at least
//     the threshold's share of bins;
//  6. connected components of all kept pairs by union-find in one worker:
//     the pairs are few (a document has a handful of near-duplicates), so
//     this holds the edges, never the documents;
//  7. join each member to its component, group by component, order the
//     members as `unspun dedup` does (dedup.Cluster), and number the
//     clusters by their earliest member (date, then id) in one worker.
package beam

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/fileio"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local" // local paths; beamx adds gcs for a cluster
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/filter"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/dedup"
	"github.com/unspun/unspun/reader"
	"github.com/unspun/unspun/report"
)

// Doc is one sketched article as it travels through the pipeline.
type Doc struct {
	ID, URL   string
	Published string // RFC 3339, "" when unknown
	Sketch    []byte // dedup.Bins little-endian uint32s
}

// Pair is a candidate or kept pair of document ids, A < B.
type Pair struct{ A, B string }

// Line is one output line, as `unspun dedup --format json` writes it.
type Line = report.ClusterJSON

var (
	badRecords = beam.NewCounter("unspun", "bad_records")
	articles   = beam.NewCounter("unspun", "articles")
)

func init() {
	beam.RegisterType(reflect.TypeOf((*Doc)(nil)).Elem())
	beam.RegisterType(reflect.TypeOf((*Pair)(nil)).Elem())
	register.DoFn3x1[context.Context, fileio.ReadableFile, func(Doc), error](&readFn{})
	register.Function2x0(byWholeSketch)
	register.Function3x0(representatives)
	register.DoFn2x0[Doc, func(uint64, string)](&bandFn{})
	register.Function3x0(bucketPairs)
	register.Function2x0(byFirst)
	register.Function4x0(attachFirst)
	register.DoFn4x0[string, func(*Doc) bool, func(*Doc) bool, func(Pair)](&verifyFn{})
	register.Function3x0(components)
	register.Function2x0(byID)
	register.Function4x0(attachRoot)
	register.Function3x0(clusterLine)
	register.Function3x0(numberLines)
	register.Emitter1[Doc]()
	register.Emitter2[uint64, Doc]()
	register.Emitter2[uint64, string]()
	register.Emitter1[Pair]()
	register.Emitter2[string, Pair]()
	register.Emitter2[string, Doc]()
	register.Emitter2[string, string]()
	register.Emitter1[string]()
	register.Iter1[Doc]()
	register.Iter1[string]()
	register.Iter1[Pair]()
}

// Dedup adds the clustering of the articles in the files matching glob to
// s and returns the output lines (JSON, one cluster each).
func Dedup(s beam.Scope, glob string, threshold float64) beam.PCollection {
	s = s.Scope("unspun.Dedup")
	files := fileio.ReadMatches(s, fileio.MatchFiles(s, glob), fileio.ReadUncompressed())
	docs := beam.ParDo(s, &readFn{}, files)
	reps := beam.ParDo(s, representatives, beam.GroupByKey(s, beam.ParDo(s, byWholeSketch, docs)))
	// reps holds the representatives keyed by themselves, and the pairs
	// that join identical sketches (A the representative).
	repDocs, sameSketch := splitReps(s, reps)
	params := dedup.ParamsFor(threshold)
	candidates := filter.Distinct(s, beam.ParDo(s, bucketPairs,
		beam.GroupByKey(s, beam.ParDo(s, &bandFn{Bands: params.Bands, Rows: params.Rows}, repDocs))))
	byIDDocs := beam.ParDo(s, byID, repDocs)
	withFirst := beam.ParDo(s, attachFirst, beam.CoGroupByKey(s, beam.ParDo(s, byFirst, candidates), byIDDocs))
	kept := beam.ParDo(s, &verifyFn{Threshold: threshold}, beam.CoGroupByKey(s, withFirst, byIDDocs))
	edges := beam.Flatten(s, kept, sameSketch)
	roots := beam.ParDo(s, components, beam.GroupByKey(s, beam.AddFixedKey(s, edges)))
	members := beam.ParDo(s, attachRoot, beam.CoGroupByKey(s, roots, beam.ParDo(s, byID, docs)))
	lines := beam.ParDo(s, clusterLine, beam.GroupByKey(s, members))
	return beam.ParDo(s, numberLines, beam.GroupByKey(s, beam.AddFixedKey(s, lines)))
}

// Write adds Dedup and writes its lines to the file output.
func Write(s beam.Scope, glob, output string, threshold float64) {
	textio.Write(s, output, Dedup(s, glob, threshold))
}

// readFn reads one matched file with unspun's reader and sketches its
// articles. Bad records are counted and logged, and the file goes on.
type readFn struct {
	sk dedup.Sketcher
}

func (f *readFn) ProcessElement(ctx context.Context, file fileio.ReadableFile, emit func(Doc)) error {
	rc, err := file.Open(ctx)
	if err != nil {
		return err
	}
	defer rc.Close()
	return readDocs(ctx, file.Metadata.Path, rc, &f.sk, emit, func(e *reader.Error) {
		badRecords.Inc(ctx, 1)
		log.Warnf(ctx, "unspun: %v", e)
	})
}

// readDocs reads a stream of articles named path and emits their sketches.
func readDocs(ctx context.Context, path string, r io.Reader, sk *dedup.Sketcher, emit func(Doc), bad func(*reader.Error)) error {
	return reader.ReadStream(ctx, path, r, reader.Options{Workers: 1}, func(a unspun.Article) error {
		articles.Inc(ctx, 1)
		emit(NewDoc(a, sk))
		return nil
	}, bad)
}

// NewDoc sketches an article for the pipeline.
func NewDoc(a unspun.Article, sk *dedup.Sketcher) Doc {
	s := sk.Sketch(a.Title, a.Body)
	d := Doc{ID: a.ID, URL: a.URL, Sketch: make([]byte, 4*dedup.Bins)}
	if !a.Published.IsZero() {
		d.Published = a.Published.Format(time.RFC3339)
	}
	for i, v := range s {
		binary.LittleEndian.PutUint32(d.Sketch[4*i:], v)
	}
	return d
}

func sketchOf(d Doc) *dedup.Sketch {
	var s dedup.Sketch
	for i := range s {
		s[i] = binary.LittleEndian.Uint32(d.Sketch[4*i:])
	}
	return &s
}

func byWholeSketch(d Doc, emit func(uint64, Doc)) { emit(dedup.SketchHash(sketchOf(d)), d) }

// representatives picks the smallest id of documents with one sketch as
// the one that enters the banding, and joins the others to it. Outputs are
// tagged in the key: "rep" for the representative, "same" for a pair.
func representatives(_ uint64, docs func(*Doc) bool, emit func(string, Doc)) {
	var all []Doc
	var d Doc
	for docs(&d) {
		all = append(all, d)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	emit("rep", all[0])
	for _, o := range all[1:] {
		emit("same", Doc{ID: all[0].ID, URL: o.ID}) // a pair, carried in a Doc: A in ID, B in URL
	}
}

func splitReps(s beam.Scope, tagged beam.PCollection) (reps, pairs beam.PCollection) {
	return beam.ParDo2(s, splitTagged, tagged)
}

func init() {
	register.Function4x0(splitTagged)
}

func splitTagged(tag string, d Doc, rep func(Doc), pair func(Pair)) {
	if tag == "rep" {
		rep(d)
		return
	}
	pair(Pair{A: d.ID, B: d.URL})
}

// bandFn keys a representative by each of its band keys.
type bandFn struct {
	Bands, Rows int
}

func (f *bandFn) ProcessElement(d Doc, emit func(uint64, string)) {
	for _, k := range (dedup.Params{Bands: f.Bands, Rows: f.Rows}).Keys(sketchOf(d), nil) {
		emit(k, d.ID)
	}
}

// bucketPairs emits every pair of documents that share a band.
func bucketPairs(_ uint64, ids func(*string) bool, emit func(Pair)) {
	var all []string
	var id string
	for ids(&id) {
		all = append(all, id)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			emit(Pair{A: all[i], B: all[j]})
		}
	}
}

func byFirst(p Pair, emit func(string, Pair)) { emit(p.A, p) }

func byID(d Doc, emit func(string, Doc)) { emit(d.ID, d) }

// attachFirst re-keys each candidate by its second id, carrying the first
// document's sketch.
func attachFirst(_ string, pairs func(*Pair) bool, docs func(*Doc) bool, emit func(string, Doc)) {
	var first Doc
	if !docs(&first) {
		return
	}
	var p Pair
	for pairs(&p) {
		emit(p.B, Doc{ID: p.A, Sketch: first.Sketch})
	}
}

// verifyFn keeps a candidate when the two sketches agree on at least the
// threshold's share of bins, as dedup.Clusterer does.
type verifyFn struct {
	Threshold float64
}

func (f *verifyFn) ProcessElement(id string, firsts func(*Doc) bool, docs func(*Doc) bool, emit func(Pair)) {
	var second Doc
	if !docs(&second) {
		return
	}
	b := sketchOf(second)
	var first Doc
	for firsts(&first) {
		if dedup.Similarity(sketchOf(first), b) >= f.Threshold {
			emit(Pair{A: first.ID, B: id})
		}
	}
}

// components finds the connected components of the kept pairs by
// union-find and keys every document in one by its root (the smallest id).
func components(_ int, edges func(*Pair) bool, emit func(string, string)) {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			parent[x] = x
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	var e Pair
	for edges(&e) {
		ra, rb := find(e.A), find(e.B)
		if ra != rb {
			if rb < ra {
				ra, rb = rb, ra
			}
			parent[rb] = ra
		}
	}
	for id := range parent {
		emit(id, find(id))
	}
}

// attachRoot keys a document that is in a component by the component.
func attachRoot(_ string, roots func(*string) bool, docs func(*Doc) bool, emit func(string, Doc)) {
	var root string
	if !roots(&root) {
		return
	}
	var d Doc
	for docs(&d) {
		emit(root, d)
	}
}

// clusterLine orders a component's members as `unspun dedup` does and
// writes its line (numbered later).
func clusterLine(_ string, docs func(*Doc) bool, emit func(string)) {
	var all []*dedup.Doc
	var d Doc
	for docs(&d) {
		dd := &dedup.Doc{ID: d.ID, URL: d.URL, Sketch: *sketchOf(d)}
		if d.Published != "" {
			dd.Published, _ = time.Parse(time.RFC3339, d.Published)
		}
		all = append(all, dd)
	}
	if len(all) < 2 {
		return
	}
	// Without an input order, ties between equal dates go to the smaller id.
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	b, err := json.Marshal(report.Cluster(0, dedup.Cluster(all)))
	if err != nil {
		panic(err) // a Line always marshals
	}
	emit(string(b))
}

// numberLines numbers the clusters by their earliest member (its date,
// unknown last, then its id) and emits them in that order.
func numberLines(_ int, lines func(*string) bool, emit func(string)) {
	var all []Line
	var s string
	for lines(&s) {
		var l Line
		if err := json.Unmarshal([]byte(s), &l); err != nil {
			panic(fmt.Sprintf("unspun: a line of our own does not parse: %v", err))
		}
		all = append(all, l)
	}
	date := func(l Line) time.Time {
		if p := l.Members[0].Published; p != nil {
			t, _ := time.Parse(time.RFC3339, *p)
			return t
		}
		return time.Time{}
	}
	sort.Slice(all, func(i, j int) bool {
		di, dj := date(all[i]), date(all[j])
		if unspun.Earlier(di, dj) != unspun.Earlier(dj, di) {
			return unspun.Earlier(di, dj)
		}
		return strings.Compare(all[i].Members[0].ID, all[j].Members[0].ID) < 0
	})
	for n, l := range all {
		l.Cluster = n
		b, _ := json.Marshal(l)
		emit(string(b))
	}
}
