package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/engine"
	"github.com/quantedge/qex/store"
)

// Ledger pane: the latest settlements, the top balances and the conflict feed,
// side by side. The first two columns are as wide as what they show, each
// field within its bound; the conflicts take the rest.
const (
	columnGap       = " │ "
	balanceGroups   = 2  // advertisers, publishers
	maxSlotWidth    = 20 // slot-<seed>-<n>: a six-digit seed and a long run
	minSlotTail     = 5  // "…4205": the end of a slot id tells slots apart
	maxPairWidth    = 17 // "adv-0012→pub-0003"
	minAmountWidth  = 6  // "$10.00": a price above ten dollars moves no column
	maxAccountWidth = 8
	maxBalancesW    = 24
)

// ledgerLines is the ledger pane: what the ledger committed last, who holds the
// most money, and which attempts lost their race. The settlements show their
// region only when the conflicts keep room for their code, slot and attempt.
func (m Model) ledgerLines(w, h int) []string {
	if !m.hasSnap {
		return nil
	}
	gap := ansi.StringWidth(columnGap)
	bal := m.balanceColumn(h)
	balW := min(widest(bal), maxBalancesW)
	room := max(w-balW-2*gap, 0)
	conflicts := latestConflicts(m.snap.ConflictFeed, h-1)
	cw := measureConflicts(conflicts)
	set := m.settlementColumn(h, room-cw.total())
	setW := min(widest(set), room)
	cols := [][]string{set, bal, m.conflictColumn(conflicts, cw, room-setW)}
	widths := []int{setW, balW, room - setW}
	lines := make([]string, h)
	for i := range lines {
		parts := make([]string, len(cols))
		for c, col := range cols {
			cell := ""
			if i < len(col) {
				cell = col[i]
			}
			parts[c] = pad(cell, widths[c])
		}
		lines[i] = strings.Join(parts, theme.dim.Render(columnGap))
	}
	return lines
}

// settlementColumn lists the latest settlements, newest first. It leaves the
// region out when the rows would be wider than room with it: the slot, the
// accounts, the amount and the attempt matter more.
func (m Model) settlementColumn(h, room int) []string {
	col := []string{theme.label.Render("latest settlements")}
	rows := settlementRows(m.snap.Recent, h-1)
	if len(rows) == 0 {
		return append(col, theme.dim.Render("none yet"))
	}
	fw := measureSettlements(rows, m.snap.Regions)
	withRegion := fw.total(true) <= room
	for _, r := range rows {
		col = append(col, fw.format(r, withRegion))
	}
	return col
}

// settlementRow is one settlement's fields as the pane shows them.
type settlementRow struct {
	slot, region, pair, amount, attempt string
}

// settlementRows are the latest n of recent, newest first.
func settlementRows(recent []store.Settlement, n int) []settlementRow {
	var rows []settlementRow
	for i := len(recent) - 1; i >= 0 && len(rows) < n; i-- {
		ev := recent[i]
		rows = append(rows, settlementRow{slot: ev.SlotID, region: ev.Region,
			pair: ev.Advertiser + "→" + ev.Publisher, amount: ev.Amount.GroupedDollars(),
			attempt: attemptLabel(ev.Attempt)})
	}
	return rows
}

// settlementWidths are the widths of a settlement row's fields.
type settlementWidths struct {
	slot, region, pair, amount, attempt int
}

// measureSettlements sizes each field to its widest value in rows, within the
// field's bound; amounts and attempts are never cut. The region is as wide as
// the longest region's name, so that the columns stay put from one snapshot
// to the next whichever regions the rows are from.
func measureSettlements(rows []settlementRow, regions []engine.RegionSnapshot) settlementWidths {
	fw := settlementWidths{amount: minAmountWidth}
	for _, r := range rows {
		fw.slot = max(fw.slot, ansi.StringWidth(r.slot))
		fw.region = max(fw.region, ansi.StringWidth(r.region))
		fw.pair = max(fw.pair, ansi.StringWidth(r.pair))
		fw.amount = max(fw.amount, ansi.StringWidth(r.amount))
		fw.attempt = max(fw.attempt, ansi.StringWidth(r.attempt))
	}
	for _, r := range regions {
		fw.region = max(fw.region, ansi.StringWidth(r.Name))
	}
	fw.slot = min(fw.slot, maxSlotWidth)
	fw.region = min(fw.region, regionNameWidth)
	fw.pair = min(fw.pair, maxPairWidth)
	return fw
}

// total is the width of a row, with or without its region.
func (fw settlementWidths) total(withRegion bool) int {
	n := fw.slot + fw.pair + fw.amount + fw.attempt + 3 // a space between fields
	if withRegion {
		n += fw.region + 1
	}
	return n
}

// format lays r out in fw's widths.
func (fw settlementWidths) format(r settlementRow, withRegion bool) string {
	region := ""
	if withRegion {
		region = fmt.Sprintf("%-*s ", fw.region, fit(r.region, fw.region))
	}
	return fmt.Sprintf("%-*s %s%-*s %*s %*s", fw.slot, fitTail(r.slot, fw.slot), region,
		fw.pair, fit(r.pair, fw.pair), fw.amount, r.amount, fw.attempt, r.attempt)
}

// balanceColumn lists the largest advertiser and publisher balances.
func (m Model) balanceColumn(h int) []string {
	each := max((h-1)/balanceGroups-1, 1)
	groups := []struct {
		name     string
		accounts []store.Account
	}{
		{"advertisers", m.snap.TopAdvertisers[:min(len(m.snap.TopAdvertisers), each)]},
		{"publishers", m.snap.TopPublishers[:min(len(m.snap.TopPublishers), each)]},
	}
	idW, amountW := 0, 0
	for _, g := range groups {
		for _, a := range g.accounts {
			idW = max(idW, ansi.StringWidth(a.ID))
			amountW = max(amountW, ansi.StringWidth(a.Balance.GroupedDollars()))
		}
	}
	idW = min(idW, maxAccountWidth)
	col := []string{theme.label.Render("top balances")}
	for _, g := range groups {
		col = append(col, theme.dim.Render(g.name))
		for _, a := range g.accounts {
			col = append(col, fmt.Sprintf("%-*s %*s", idW, fit(a.ID, idW), amountW,
				a.Balance.GroupedDollars()))
		}
	}
	return col
}

// latestConflicts are the latest n of feed, newest first.
func latestConflicts(feed []store.ConflictEvent, n int) []store.ConflictEvent {
	latest := slices.Clone(feed[max(len(feed)-n, 0):])
	slices.Reverse(latest)
	return latest
}

// conflictWidths are the widths of a conflict row's code, slot and attempt.
type conflictWidths struct {
	code, slot, attempt int
}

// measureConflicts sizes each field to its widest value in shown, the slot
// within its bound.
func measureConflicts(shown []store.ConflictEvent) conflictWidths {
	var cw conflictWidths
	for _, ev := range shown {
		cw.code = max(cw.code, ansi.StringWidth(ev.Code))
		cw.slot = max(cw.slot, ansi.StringWidth(ev.SlotID))
		cw.attempt = max(cw.attempt, ansi.StringWidth(attemptLabel(ev.Attempt)))
	}
	cw.slot = min(cw.slot, maxSlotWidth)
	return cw
}

// total is the width of a row's code, slot and attempt.
func (cw conflictWidths) total() int {
	return cw.code + cw.slot + cw.attempt + 2 // a space between fields
}

// conflictColumn lists the latest lost races, newest first, in w cells: the
// backend's code, the slot, the attempt (#n) and the racer that lost. A slot
// id too long for w is cut from the left, so that the attempt still shows.
func (m Model) conflictColumn(shown []store.ConflictEvent, cw conflictWidths, w int) []string {
	title := "conflicts"
	if n := m.snap.ConflictsDropped; n > 0 {
		title += theme.warn.Render(fmt.Sprintf(" · %s not recorded", formatCount(n)))
	}
	col := []string{theme.label.Render(title)}
	if len(shown) == 0 {
		return append(col, theme.dim.Render("none yet"))
	}
	// The slot leaves a cell for the ellipsis that marks a cut racer.
	slotW := max(min(cw.slot, w-cw.code-cw.attempt-3), minSlotTail)
	for _, ev := range shown {
		line := pad(theme.conflict.Render(ev.Code), cw.code) + fmt.Sprintf(" %-*s %-*s racer %d",
			slotW, fitTail(ev.SlotID, slotW), cw.attempt, attemptLabel(ev.Attempt), ev.Racer)
		if ev.Detail != "" {
			line += " " + theme.dim.Render(ev.Detail)
		}
		col = append(col, line)
	}
	return col
}

// attemptLabel names an attempt by its number: #1 is the first try.
func attemptLabel(n int) string {
	return fmt.Sprintf("#%d", n)
}

// widest is the width of the widest of lines.
func widest(lines []string) int {
	w := 0
	for _, line := range lines {
		w = max(w, ansi.StringWidth(line))
	}
	return w
}
