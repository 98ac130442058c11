package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// keyMap is every key the console answers to. It is a help.KeyMap: the help
// screen lists the bindings the console matches, and the footer's hints are
// made from the same bindings.
type keyMap struct {
	Quit, Help, Back   key.Binding
	NextPane, PrevPane key.Binding
	Pane               key.Binding
	Up, Down           key.Binding
	RateUp, RateDown   key.Binding
	Outage             key.Binding
	WorkersDown        key.Binding
	WorkersUp          key.Binding
	ContentionDown     key.Binding
	ContentionUp       key.Binding
	SlotsDown, SlotsUp key.Binding
	Backoff, Auction   key.Binding
	Pause              key.Binding
	Lab, Rerun         key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Quit: key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help: key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		NextPane: key.NewBinding(key.WithKeys("tab", "right", "l"),
			key.WithHelp("tab/→/l", "next pane")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab", "left", "h"),
			key.WithHelp("shift+tab/←/h", "previous pane")),
		Pane: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5"),
			key.WithHelp("1-5", "go to pane")),
		Up: key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "region up")),
		Down: key.NewBinding(key.WithKeys("down", "j"),
			key.WithHelp("↓/j", "region down")),
		RateUp:   key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "more bids")),
		RateDown: key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "fewer bids")),
		Outage:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "region up/down")),
		WorkersDown: key.NewBinding(key.WithKeys("w"),
			key.WithHelp("w", "one worker fewer")),
		WorkersUp: key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "one worker more")),
		ContentionDown: key.NewBinding(key.WithKeys("c"),
			key.WithHelp("c", "fewer racers per slot")),
		ContentionUp: key.NewBinding(key.WithKeys("C"),
			key.WithHelp("C", "more racers per slot")),
		SlotsDown: key.NewBinding(key.WithKeys("s"),
			key.WithHelp("s", "fewer slots: hotter partitions")),
		SlotsUp: key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "more slots")),
		Backoff: key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "next backoff")),
		Auction: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "first/second price")),
		Pause:   key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "pause/resume")),
		Lab:     key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "retry lab")),
		Rerun:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run the lab again")),
	}
}

// ShortHelp is the footer's line of hints: the keys a newcomer needs first. The
// line is cut to the screen's width, so the last hints show on wide screens only.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		k.Quit, k.Help, brief("pause", k.Pause), brief("pane", k.NextPane),
		brief("region", k.Up, k.Down), brief("rate", k.RateUp, k.RateDown),
		brief("outage", k.Outage), brief("workers", k.WorkersDown, k.WorkersUp),
		brief("contention", k.ContentionDown, k.ContentionUp), brief("backoff", k.Backoff),
		brief("auction", k.Auction), brief("lab", k.Lab),
	}
}

// FullHelp is the help screen: one column per kind of key.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextPane, k.PrevPane, k.Pane, k.Up, k.Down, k.Back},
		{k.RateUp, k.RateDown, k.Outage, k.SlotsUp, k.SlotsDown, k.Pause},
		{k.WorkersUp, k.WorkersDown, k.ContentionUp, k.ContentionDown, k.Backoff, k.Auction},
		{k.Lab, k.Rerun, k.Help, k.Quit},
	}
}

// brief is a footer hint for bindings that act on one thing, often a dial's
// down and up: the first key the help screen names for each, and one word.
func brief(desc string, bindings ...key.Binding) key.Binding {
	var keys, names []string
	for _, b := range bindings {
		keys = append(keys, b.Keys()...)
		name, _, _ := strings.Cut(b.Help().Key, "/")
		names = append(names, name)
	}
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(names, "/"), desc))
}
