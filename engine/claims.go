package engine

import (
	"sync"
	"time"
)

// claims are the slots this run's racers are settling, and the ones they decided
// lately. The reconciler claims a slot before re-queuing it, so no slot has two
// jobs here at once.
type claims struct {
	mu   sync.Mutex
	held map[string]struct{} // guarded by mu
	// decided keeps slots settled or closed unsold here for a while: a
	// reconciler pass that read one as pending just before it was decided must
	// not send it round again. Guarded by mu.
	decided map[string]time.Time
}

func newClaims() *claims {
	return &claims{held: make(map[string]struct{}), decided: make(map[string]time.Time)}
}

// claim marks a slot as being settled here; false if it already is, or was
// decided here lately.
func (c *claims) claim(slotID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, busy := c.held[slotID]; busy {
		return false
	}
	if _, done := c.decided[slotID]; done {
		return false
	}
	c.held[slotID] = struct{}{}
	return true
}

// release lets a slot go undecided: the reconciler may claim it at once.
func (c *claims) release(slotID string) {
	c.mu.Lock()
	delete(c.held, slotID)
	c.mu.Unlock()
}

// decide lets a slot go decided, remembering it until forget passes its time.
func (c *claims) decide(slotID string, at time.Time) {
	c.mu.Lock()
	delete(c.held, slotID)
	c.decided[slotID] = at
	c.mu.Unlock()
}

// forget drops the slots decided before the given time.
func (c *claims) forget(before time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, at := range c.decided {
		if at.Before(before) {
			delete(c.decided, id)
		}
	}
}
