package trace_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	unspun "github.com/unspun/unspun"
	"github.com/unspun/unspun/align"
	"github.com/unspun/unspun/index"
	"github.com/unspun/unspun/store"
	"github.com/unspun/unspun/story"
	"github.com/unspun/unspun/trace"
)

// Invented coverage of two unrelated events: a ferry fire (two outlets)
// and an orchard frost (one).
var storyCorpus = []unspun.Article{
	{ID: "harbourwatch/ferry-fire", Site: "harbourwatch.test", Title: "Fire on the Saint Brigid ferry: 212 passengers rescued",
		Published: time.Date(2031, 6, 3, 7, 0, 0, 0, time.UTC),
		Body: "A fire broke out in the engine room of the ferry Saint Brigid on Tuesday night as it crossed the Vell estuary. " +
			"All 212 passengers were taken off by lifeboats from Corran and Dunmoor before the flames reached the car deck. " +
			"The coastguard said no one was badly hurt and the ferry was towed to Corran harbour."},
	{ID: "estuarypost/ferry-rescue", Site: "estuarypost.test", Title: "Lifeboats take 212 off burning Saint Brigid ferry",
		Published: time.Date(2031, 6, 3, 9, 30, 0, 0, time.UTC),
		Body: "Lifeboats from Corran and Dunmoor took 212 passengers off the burning ferry Saint Brigid on the Vell estuary late on Tuesday. " +
			"Investigators from the maritime authority will board the Saint Brigid in Corran harbour on Wednesday to find how the engine room fire started."},
	{ID: "lowlandtimes/orchard-frost", Site: "lowlandtimes.test", Title: "Late frost wipes out Harnby apple blossom",
		Published: time.Date(2031, 6, 1, 8, 0, 0, 0, time.UTC),
		Body: "A late frost on Sunday destroyed most of the apple blossom in the Harnby orchards, growers said. " +
			"The Harnby cooperative expects a harvest a third the size of last year's, the smallest in two decades. " +
			"Growers will ask the province for emergency help at a meeting in the cooperative's barn on Friday."},
}

// A farm page that stitches the two events.
var stitchedPage = unspun.Article{ID: "farm/weekend-roundup", Site: "farm.test", Title: "Weekend roundup",
	Body: "A fire broke out in the engine room of the ferry Saint Brigid on Tuesday evening as it crossed the Vell estuary. " +
		"A late frost on Sunday ruined most of the apple blossom in the Harnby orchards, growers said. " +
		"The Harnby cooperative expects a harvest a third the size of last year's, the smallest in twenty years."}

func TestTraceNamesTheStitchedStories(t *testing.T) {
	ctx := context.Background()
	s := memoryStore(t, storyCorpus...)
	stories, err := story.Index(ctx, s, story.DefaultOptions, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(stories) != 2 {
		t.Fatalf("%d stories of the index, want 2 (the ferry fire, the frost)", len(stories))
	}
	ferry, _, _ := s.StoryOf(ctx, "harbourwatch/ferry-fire")
	frost, _, _ := s.StoryOf(ctx, "lowlandtimes/orchard-frost")
	if ferry == frost {
		t.Fatal("the ferry fire and the frost are one story")
	}
	tr, err := trace.New(ctx, s, nil, trace.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	res, err := tr.Trace(ctx, stitchedPage)
	if err != nil {
		t.Fatal(err)
	}
	wantSource := []int{ferry, frost, frost}
	for i, st := range res.Sentences {
		if len(st.Sources) == 0 {
			t.Fatalf("sentence %d has no source", i)
		}
		if got, want := st.Sources[0].Story, itoa(wantSource[i]); got != want {
			t.Errorf("sentence %d: source %s in story %q, want %q", i, st.Sources[0].Article.ID, got, want)
		}
	}
	want := []unspun.StoryShare{{Story: itoa(frost), Sentences: 2}, {Story: itoa(ferry), Sentences: 1}}
	if !reflect.DeepEqual(res.Stories, want) || res.Summary.Stories != 2 {
		t.Errorf("stories %+v (summary %d), want %+v", res.Stories, res.Summary.Stories, want)
	}

	// An article added since the stories were kept makes them stale: the
	// trace names none rather than stories that leave it out.
	if err := s.Put(ctx, []store.Doc{index.Doc(unspun.Article{ID: "late/one", Body: "Nothing to do with either."}, align.DefaultAliases)}); err != nil {
		t.Fatal(err)
	}
	res, err = tr.Trace(ctx, stitchedPage)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stories) != 0 || res.Summary.Stories != 0 || res.Sentences[0].Sources[0].Story != "" {
		t.Errorf("stale stories reported: %+v", res.Stories)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
