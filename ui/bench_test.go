package ui

import "testing"

// BenchmarkTick is one console tick at 120×40: a snapshot arrives (rates, chart
// draws, composing the screen) and the screen is shown.
func BenchmarkTick(b *testing.B) {
	m := fed(&fakeExchange{}, 120, 40, historyTicks)
	n := historyTicks
	for b.Loop() {
		n++
		m = update(m, snapshotMsg{snap: fixture(n)})
		_ = m.View()
	}
}
