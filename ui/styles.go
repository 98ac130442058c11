package ui

import (
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// RespectNoColor turns colour off for the whole console when the NO_COLOR
// environment variable is set to anything but the empty string, as no-color.org
// asks. getenv is os.Getenv in a program. It reports whether colour is off.
// Without colour the console still marks focus and selection with characters.
func RespectNoColor(getenv func(string) string) bool {
	if getenv("NO_COLOR") == "" {
		return false
	}
	lipgloss.SetColorProfile(termenv.Ascii)
	return true
}

// The palette: adaptive, so that it reads on light and dark terminals alike.
var (
	colorAccent = lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#9D8CFF"}
	colorDim    = lipgloss.AdaptiveColor{Light: "#8A8A8A", Dark: "#6C6C6C"}
	colorGood   = lipgloss.AdaptiveColor{Light: "#1E7F3C", Dark: "#5FD787"}
	colorWarn   = lipgloss.AdaptiveColor{Light: "#A35F00", Dark: "#FFAF5F"}
	colorBad    = lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF6B6B"}
	colorInfo   = lipgloss.AdaptiveColor{Light: "#0B6BA8", Dark: "#5FAFFF"}
	colorBar    = lipgloss.AdaptiveColor{Light: "#E4E0F7", Dark: "#2A2540"}
)

// styles are the console's text styles. Every one of them degrades to plain
// text without colour, so none carries meaning on its own.
type styles struct {
	brand, title, focusTitle lipgloss.Style
	border, focusBorder      lipgloss.Style
	label, dim, value        lipgloss.Style
	good, warn, bad          lipgloss.Style
	selected                 lipgloss.Style
	settled, conflict, retry lipgloss.Style
	bids                     lipgloss.Style
}

func newStyles() styles {
	fg := func(c lipgloss.TerminalColor) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(c)
	}
	return styles{
		brand:       fg(colorAccent).Bold(true),
		title:       lipgloss.NewStyle().Bold(true),
		focusTitle:  fg(colorAccent).Bold(true),
		border:      fg(colorDim),
		focusBorder: fg(colorAccent),
		label:       fg(colorDim),
		dim:         fg(colorDim),
		value:       lipgloss.NewStyle().Bold(true),
		good:        fg(colorGood),
		warn:        fg(colorWarn),
		bad:         fg(colorBad).Bold(true),
		selected:    lipgloss.NewStyle().Background(colorBar).Bold(true),
		settled:     fg(colorGood),
		conflict:    fg(colorBad),
		retry:       fg(colorWarn),
		bids:        fg(colorInfo),
	}
}

// theme is the one set of styles: lipgloss reads the colour profile when it
// renders, so the styles need not be rebuilt when the profile changes.
var theme = newStyles()
