package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/quantedge/qex/store"
)

// Ledger pane columns: latest settlements, top balances, conflict feed.
const (
	settlementsShare = 47 // percent of the pane's width
	minSettlementsW  = 30
	maxSettlementsW  = 58
	balancesShare    = 19 // percent of the pane's width
	minBalancesW     = 18
	maxBalancesW     = 22
	columnGap        = " │ "
	balanceGroups    = 2 // advertisers, publishers
	slotWidth        = 12
	pairWidth        = 13 // "adv-12→pub-03"
	amountWidth      = 8
	accountWidth     = 7
	attemptWidth     = 3
	fullSettlementW  = slotWidth + regionNameWidth + pairWidth + amountWidth + attemptWidth + 4
	shortSettlementW = fullSettlementW - regionNameWidth - 1
)

// ledgerLines is the ledger pane: what the ledger committed last, who holds the
// most money, and which attempts lost their race.
func (m Model) ledgerLines(w, h int) []string {
	if !m.hasSnap {
		return nil
	}
	gap := ansi.StringWidth(columnGap)
	setW := min(max(w*settlementsShare/100, minSettlementsW), maxSettlementsW)
	if setW < fullSettlementW {
		setW = min(setW, shortSettlementW) // no region: the conflicts get the room
	}
	balW := min(max(w*balancesShare/100, minBalancesW), maxBalancesW)
	conW := max(w-setW-balW-2*gap, 0)
	cols := [][]string{m.settlementColumn(setW, h), m.balanceColumn(balW, h),
		m.conflictColumn(h)}
	widths := []int{setW, balW, conW}
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

// settlementColumn lists the latest settlements, newest first. A narrow column
// leaves the region out: the slot and the accounts matter more.
func (m Model) settlementColumn(w, h int) []string {
	col := []string{theme.label.Render("latest settlements")}
	recent := m.snap.Recent
	if len(recent) == 0 {
		return append(col, theme.dim.Render("none yet"))
	}
	for i := len(recent) - 1; i >= 0 && len(col) < h; i-- {
		ev := recent[i]
		region := ""
		if w >= fullSettlementW {
			region = fmt.Sprintf("%-*s ", regionNameWidth, fit(ev.Region, regionNameWidth))
		}
		col = append(col, fmt.Sprintf("%-*s %s%-*s %*s %*s",
			slotWidth, fitTail(ev.SlotID, slotWidth), region,
			pairWidth, fit(ev.Advertiser+"→"+ev.Publisher, pairWidth),
			amountWidth, formatDollars(ev.Amount),
			attemptWidth, fmt.Sprintf("#%d", ev.Attempt)))
	}
	return col
}

// balanceColumn lists the largest advertiser and publisher balances.
func (m Model) balanceColumn(w, h int) []string {
	col := []string{theme.label.Render("top balances")}
	each := max((h-1)/balanceGroups-1, 1)
	for _, group := range []struct {
		name     string
		accounts []store.Account
	}{
		{"advertisers", m.snap.TopAdvertisers},
		{"publishers", m.snap.TopPublishers},
	} {
		col = append(col, theme.dim.Render(group.name))
		for _, a := range group.accounts[:min(len(group.accounts), each)] {
			col = append(col, fmt.Sprintf("%-*s %*s", accountWidth, fit(a.ID, accountWidth),
				max(w-accountWidth-1, 0), formatDollars(a.Balance)))
		}
	}
	return col
}

// conflictColumn lists the latest lost races, newest first: the backend's code,
// the slot, the attempt (#n) and the racer that lost.
func (m Model) conflictColumn(h int) []string {
	title := "conflicts"
	if n := m.snap.ConflictsDropped; n > 0 {
		title += theme.warn.Render(fmt.Sprintf(" · %s not recorded", formatCount(n)))
	}
	col := []string{theme.label.Render(title)}
	feed := m.snap.ConflictFeed
	if len(feed) == 0 {
		return append(col, theme.dim.Render("none yet"))
	}
	for i := len(feed) - 1; i >= 0 && len(col) < h; i-- {
		ev := feed[i]
		line := fmt.Sprintf("%s %-*s #%d racer %d", theme.conflict.Render(ev.Code),
			slotWidth, fitTail(ev.SlotID, slotWidth), ev.Attempt, ev.Racer)
		if ev.Detail != "" {
			line += " " + theme.dim.Render(ev.Detail)
		}
		col = append(col, line)
	}
	return col
}
