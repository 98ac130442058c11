package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestLedgerRowsWhole: at every size the panes fit, the newest settlements
// show their whole slot id, accounts, amount and attempt; the newest
// conflicts show their attempt, and their whole slot id from 100 columns on.
func TestLedgerRowsWhole(t *testing.T) {
	sizes := []struct {
		w, h      int
		wholeSlot bool // whether conflicts have room for whole slot ids
	}{{80, 24, false}, {84, 24, false}, {100, 30, true}, {120, 40, true}, {200, 60, true}}
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := fed(&fakeExchange{}, size.w, size.h, goldenTicks)
			view := m.View()
			recent, feed := m.snap.Recent, m.snap.ConflictFeed
			for _, ev := range recent[len(recent)-2:] {
				row := regexp.QuoteMeta(ev.SlotID) + ` +(` + regexp.QuoteMeta(ev.Region) +
					` +)?` + regexp.QuoteMeta(ev.Advertiser+"→"+ev.Publisher) + ` +` +
					regexp.QuoteMeta(ev.Amount.GroupedDollars()) + fmt.Sprintf(` +#%d │`, ev.Attempt)
				if !regexp.MustCompile(row).MatchString(view) {
					t.Errorf("settlement of %s is not whole on the screen:\n%s", ev.SlotID, view)
				}
			}
			for _, ev := range feed[len(feed)-2:] {
				slot := regexp.QuoteMeta(ev.SlotID)
				if !size.wholeSlot {
					seq := ev.SlotID[strings.LastIndex(ev.SlotID, "-")+1:]
					slot = "(" + slot + "|…[^ ]*" + regexp.QuoteMeta(seq) + ")"
				}
				row := ev.Code + " " + slot + fmt.Sprintf(` +#%d\b`, ev.Attempt)
				if !regexp.MustCompile(row).MatchString(view) {
					t.Errorf("conflict on %s is not on the screen:\n%s", ev.SlotID, view)
				}
			}
		})
	}
}
