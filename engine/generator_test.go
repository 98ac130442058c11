package engine

import (
	"math"
	"testing"
	"time"

	"github.com/quantedge/qex/money"
	"github.com/quantedge/qex/store"
)

// drive steps a generator through virtual time and counts what it made.
func drive(g *generator, from time.Time, d, step time.Duration, dials []RegionDial) (
	slots []*openSlot, perRegion map[string]int, bids []store.Bid) {
	perRegion = map[string]int{}
	for now := from.Add(step); !now.After(from.Add(d)); now = now.Add(step) {
		g.step(now, g.cfg.SlotRate, dials, func(s *openSlot) { slots = append(slots, s) },
			func(b store.Bid, s *openSlot) {
				perRegion[b.Region]++
				bids = append(bids, b)
				if b.SlotID != s.id || b.Arrival.Before(s.openAt) || !b.Arrival.Before(s.closeAt) {
					panic("bid " + b.ID + " is for a slot that was not open at its arrival")
				}
			})
	}
	return slots, perRegion, bids
}

func dialsOf(regions []Region) []RegionDial {
	out := make([]RegionDial, len(regions))
	for i, r := range regions {
		out[i] = RegionDial{Region: r, Up: true}
	}
	return out
}

// TestGeneratorRates runs 100 virtual seconds and checks each region's count and
// the slot count against their Poisson means, within four standard deviations.
func TestGeneratorRates(t *testing.T) {
	cfg := testConfig()
	const seconds = 100
	g := newGenerator(cfg, "run-test", t0)
	dials := dialsOf(cfg.Regions)
	dials[3].Up = false
	slots, perRegion, _ := drive(g, t0, seconds*time.Second, 10*time.Millisecond, dials)

	for _, d := range dials[:3] {
		mean := d.Rate * seconds
		if got := float64(perRegion[d.Name]); math.Abs(got-mean) > 4*math.Sqrt(mean) {
			t.Errorf("%s: %v bids in %ds at %g/s, want about %v", d.Name, got, seconds, d.Rate, mean)
		}
	}
	if n := perRegion[dials[3].Name]; n != 0 {
		t.Errorf("region %s is down but sent %d bids", dials[3].Name, n)
	}
	mean := cfg.SlotRate * seconds
	if got := float64(len(slots)); math.Abs(got-mean) > 4*math.Sqrt(mean) {
		t.Errorf("%v slots opened, want about %v", got, mean)
	}
	for _, s := range slots {
		if s.floor < cfg.FloorMin || s.floor > cfg.FloorMax || s.closeAt.Sub(s.openAt) != cfg.SlotWindow {
			t.Fatalf("slot %s: floor %s, window %s", s.id, s.floor, s.closeAt.Sub(s.openAt))
		}
	}
}

// TestGeneratorRateChange: a region dialled from a trickle to a flood sends at
// the new rate at once.
func TestGeneratorRateChange(t *testing.T) {
	cfg := testConfig()
	g := newGenerator(cfg, "run-test", t0)
	dials := dialsOf(cfg.Regions[:1])
	dials[0].Rate = 0.001
	drive(g, t0, time.Second, 10*time.Millisecond, dials)
	dials[0].Rate = 1000
	_, perRegion, _ := drive(g, t0.Add(time.Second), time.Second, 10*time.Millisecond, dials)
	if n := perRegion[dials[0].Name]; n < 800 {
		t.Fatalf("%d bids in the second after dialling up to 1000/s", n)
	}
}

// TestSlotsDependOnSeedOnly: two generators with one seed, stepped differently,
// open the same slots with the same publishers and floors; another seed differs.
func TestSlotsDependOnSeedOnly(t *testing.T) {
	cfg := testConfig()
	a, _, bidsA := drive(newGenerator(cfg, "run-a", t0), t0, 5*time.Second, 10*time.Millisecond,
		dialsOf(cfg.Regions))
	b, _, bidsB := drive(newGenerator(cfg, "run-b", t0), t0, 5*time.Second, 37*time.Millisecond,
		dialsOf(cfg.Regions))
	n := min(len(a), len(b))
	if n < 100 {
		t.Fatalf("only %d slots", n)
	}
	for i := range n {
		if a[i].id != b[i].id || a[i].publisher != b[i].publisher || a[i].floor != b[i].floor ||
			!a[i].openAt.Equal(b[i].openAt) {
			t.Fatalf("slot %d differs: %+v vs %+v", i, a[i], b[i])
		}
	}
	if bidsA[0].ID == bidsB[0].ID {
		t.Fatalf("two runs made the same bid id %s: bids of processes sharing a store collide",
			bidsA[0].ID)
	}
	cfg.Seed++
	c, _, _ := drive(newGenerator(cfg, "run-c", t0), t0, time.Second, 10*time.Millisecond,
		dialsOf(cfg.Regions))
	if c[0].id == a[0].id {
		t.Fatalf("seeds %d and %d share slot id %s", cfg.Seed-1, cfg.Seed, a[0].id)
	}
}

func TestSeedAccountsWithinTheConfig(t *testing.T) {
	cfg := testConfig()
	accounts := seedAccounts(cfg)
	if len(accounts) != cfg.Advertisers+cfg.Publishers {
		t.Fatalf("%d accounts", len(accounts))
	}
	for _, a := range accounts {
		switch a.Kind {
		case store.Advertiser:
			if a.Initial < cfg.BudgetMin || a.Initial > cfg.BudgetMax {
				t.Errorf("%s budget %s outside [%s, %s]", a.ID, a.Initial, cfg.BudgetMin, cfg.BudgetMax)
			}
		case store.Publisher:
			if a.Initial != 0 {
				t.Errorf("publisher %s starts with %s", a.ID, a.Initial)
			}
		}
	}
}

// TestConfigBounds: the largest configuration the bounds allow, every
// advertiser at MaxBudget, seeds a total that int64 micros hold, and the
// validation refuses anything past the bounds, of money and of the loops' paces.
func TestConfigBounds(t *testing.T) {
	cfg := testConfig()
	cfg.Advertisers, cfg.BudgetMin, cfg.BudgetMax = MaxAccounts, MaxBudget, MaxBudget
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var total money.Micros
	for _, a := range seedAccounts(cfg) {
		if total+a.Initial < total {
			t.Fatalf("the seeded total overflows at %s", a.ID)
		}
		total += a.Initial
	}
	if total != MaxAccounts*MaxBudget {
		t.Fatalf("seeded %s, want %s", total, MaxAccounts*MaxBudget)
	}
	past := map[string]func(*Config){
		"budget":       func(c *Config) { c.BudgetMax = MaxBudget + 1 },
		"floor":        func(c *Config) { c.FloorMax = MaxPrice + 1 },
		"median price": func(c *Config) { c.Regions[0].MedianPrice = MaxPrice + 1 },
		"reconcile interval": func(c *Config) {
			c.ReconcileInterval = MinReconcileInterval - time.Nanosecond
		},
		"slot rate": func(c *Config) { c.SlotRate = minSlotRate / 2 },
	}
	for name, spoil := range past {
		c := testConfig()
		spoil(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s past its bound was accepted", name)
		}
	}
}

// TestGeneratorSkipsStalls: a step far past the last one does not replay the gap
// as a burst.
func TestGeneratorSkipsStalls(t *testing.T) {
	cfg := testConfig()
	g := newGenerator(cfg, "run-test", t0)
	dials := dialsOf(cfg.Regions)
	drive(g, t0, time.Second, 10*time.Millisecond, dials)
	_, perRegion, _ := drive(g, t0.Add(time.Minute), 20*time.Millisecond, 10*time.Millisecond, dials)
	total := 0
	for _, n := range perRegion {
		total += n
	}
	if total > 200 {
		t.Fatalf("%d bids right after a minute's stall: the gap was replayed", total)
	}
}
