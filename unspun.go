package unspun

import (
	"errors"
	"time"
)

// Sentinel errors shared by every package. Backends and readers wrap them with
// %w so callers can test with errors.Is.
var (
	// ErrNotFound means the requested article is not in the store.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means an input record breaks the input contract.
	ErrInvalid = errors.New("invalid")
)

// Article is one news article as unspun reads it. Every derived object
// (sentence, match, quote) points into Body with UTF-8 byte offsets.
type Article struct {
	ID        string
	URL       string
	Site      string
	Title     string
	Published time.Time // zero when unknown
	Lang      string
	Body      string
}

// Earlier reports whether publication date a comes before b, where an
// unknown (zero) date comes after every known one: the order in which
// unspun names origins and earliest members.
func Earlier(a, b time.Time) bool {
	switch {
	case a.IsZero():
		return false
	case b.IsZero():
		return true
	}
	return a.Before(b)
}

// Span is a half-open byte range [Start, End) into an article's Body.
type Span struct {
	Start, End int
}

// Len returns the number of bytes the span covers.
func (s Span) Len() int { return s.End - s.Start }

// EditOp names one step of an edit script.
type EditOp string

// The three edit operations. From is always the source's words and To the
// copy's words, so a substitution reads "source → copy".
const (
	Substitute EditOp = "substitute"
	Insert     EditOp = "insert"
	Delete     EditOp = "delete"
)

// Edit is one change a copier made to a source sentence.
type Edit struct {
	Op   EditOp
	From string // the source's words ("" for an insertion)
	To   string // the copy's words ("" for a deletion)
	Kind string // why a substitution still counted as a match (alias … typo), or KindFact; "" otherwise
}

// Kinds of edit. The first four are substitutions the verifier counts as
// equal words; KindFact marks an edit that changes what the sentence says.
const (
	KindAlias      = "alias"      // a known alias: Russia → Russian Federation
	KindLearned    = "learned"    // a swap learned from earlier copies: the spin lexicon
	KindInflection = "inflection" // report → reported
	KindTypo       = "typo"       // one letter dropped, added, changed or swapped
	KindFact       = "fact"       // a negation added or dropped, a number, date or name changed
)

// Source is one verified origin of a sentence: the span of a stored article
// that the sentence was copied from, and how it was changed.
type Source struct {
	Article    Article // Body may be empty: only the metadata is needed to report it
	Span       Span    // the aligned span in the source's Body
	Text       string  // the source's Body[Span.Start:Span.End]
	Similarity float64 // 0..1, 1 for a verbatim copy
	// Coverage is the share of the sentence's informative weight that the
	// source accounts for (0..1): a source must carry the sentence, not
	// share a name or a stock phrase with it.
	Coverage float64
	Earliest bool // the origin: the earliest published of the sentence's sources
	// Later marks a source published after the traced article: a later
	// copy of the sentence, never its origin.
	Later bool
	Edits []Edit
	// Story is the number of the index's story the source belongs to, ""
	// when the index keeps no stories (see Store.Stories).
	Story string
}

// SentenceTrace is one sentence of a traced article with its sources, best first.
type SentenceTrace struct {
	Index   int
	Span    Span
	Text    string
	Sources []Source
	// Carriers counts the verified sources, of which Sources lists the best
	// and always the origin.
	Carriers int
	// Furniture marks a byline or a date line ("Posted March 3, 2031"):
	// page furniture, left unscored and unlinked.
	Furniture bool
}

// Copied reports whether the sentence was copied: it has a source that is
// not a later copy (a page that every carrier copied later is their origin).
func (st SentenceTrace) Copied() bool {
	for _, src := range st.Sources {
		if !src.Later {
			return true
		}
	}
	return false
}

// Quote is a quotation in an article and, when known, who said it.
type Quote struct {
	Span    Span
	Text    string
	Speaker *Speaker // nil for an orphan quote
	Cue     string   // the cue word that attributes it ("said"), if any
	// SpeakerFrom says how the speaker was found: FromCue, FromInherited,
	// FromSource; "" for an orphan.
	SpeakerFrom string
	// SourceSpeaker is set (by trace) when this article names a speaker and
	// the quote's sources agree on another: the article may misattribute.
	SourceSpeaker *SourceSpeaker
	// Sources are the stored articles that carry the quoted words,
	// whatever sentence frames them, earliest first (set by trace only).
	Sources []QuoteSource
}

// How a quote's speaker was found.
const (
	FromCue       = "cue"       // this quote's own attribution: a cue, an apposition, a label
	FromInherited = "inherited" // the speaker of a nearby quote or of the previous sentence
	FromSource    = "source"    // the speaker its sources give the quote (trace only)
)

// SourceSpeaker is the speaker the sources of a quote agree on.
type SourceSpeaker struct {
	Name    string
	Sources []string // IDs of the source articles that name this speaker
}

// QuoteSource is a stored article that carries a quote's words, and the
// span that holds them there.
type QuoteSource struct {
	Article Article // metadata only
	Span    Span
	Text    string
}

// Speaker is the person a quote is attributed to.
type Speaker struct {
	Name          string
	Mention       *Span  // the mention in this article; nil when recovered from a source
	RecoveredFrom string // the source article's ID when the speaker came from there
	// Replaced is the speaker this article gave the quote only by
	// inheritance, which the sources' speaker replaced ("" otherwise).
	Replaced string
}

// Summary condenses a trace into the figures a reader looks at first.
type Summary struct {
	Sentences       int
	CopiedSentences int
	CopiedFraction  float64
	Sources         int // distinct source articles
	SpinEdits       int // substitutions over all first-ranked sources
	FactEdits       int // …of which edits change a fact (KindFact)
	Furniture       int // sentences that are bylines or date lines, left out of the fractions
	OrphanQuotes    int // quotes without a speaker in the article itself
	RecoveredQuotes int // …of which a source named the speaker
	// MisattributedQuotes counts quotes whose speaker here differs from
	// the one their sources agree on.
	MisattributedQuotes int
	Originality         float64 // 1 - CopiedFraction
	// Stories counts the stories the copied sentences come from (see
	// Trace.Stories): a page stitched from three stories' coverage has 3.
	Stories int
}

// StoryShare is one of the stories a traced page's copied sentences come
// from, by their first-ranked source, and how many sentences it gave.
type StoryShare struct {
	Story     string
	Sentences int
}

// Trace is the provenance of one article.
type Trace struct {
	Article   Article
	Sentences []SentenceTrace
	Quotes    []Quote
	Summary   Summary
	// Stories are the stories of the index the copied sentences come from,
	// most sentences first (ties by first appearance in the page); empty
	// when the index keeps no stories.
	Stories []StoryShare
	// Limits says where a bound on the work cut the trace short (bounds
	// keep a hostile page from taking unbounded time and memory); empty
	// when nothing was cut.
	Limits []string
}
