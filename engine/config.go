package engine

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/quantedge/qex/money"
)

// Region is one source of bids: its name, its arrival rate and its prices.
type Region struct {
	Name string
	// Rate is the mean arrival rate in bids per second (Poisson arrivals).
	Rate float64
	// MedianPrice and PriceSpread shape the region's log-normal bid prices:
	// median · e^(spread·Z), rounded to the cent.
	MedianPrice money.Micros
	PriceSpread float64
}

// DefaultRegions are four regions with rates and prices of their own.
func DefaultRegions() []Region {
	return []Region{
		{Name: "us-east-1", Rate: 400, MedianPrice: 3_200_000, PriceSpread: 0.30},
		{Name: "eu-west-1", Rate: 300, MedianPrice: 3_300_000, PriceSpread: 0.30},
		{Name: "ap-southeast-1", Rate: 200, MedianPrice: 3_100_000, PriceSpread: 0.40},
		{Name: "sa-east-1", Rate: 100, MedianPrice: 2_900_000, PriceSpread: 0.50},
	}
}

// Defaults of a Config.
const (
	DefaultSlotsPerSecond    = 40.0
	DefaultSlotWindow        = time.Second
	DefaultFloorMin          = 50 * money.Cent
	DefaultFloorMax          = 250 * money.Cent
	DefaultAdvertisers       = 50
	DefaultPublishers        = 20
	DefaultBudgetMin         = 200 * money.Dollar
	DefaultBudgetMax         = 20_000 * money.Dollar
	DefaultWorkers           = 16
	DefaultContention        = 4
	DefaultIngestWorkers     = 4
	DefaultBatchSize         = 25
	DefaultReconcileInterval = time.Second
	DefaultReconcileGrace    = 2 * time.Second
	DefaultDrainTimeout      = 15 * time.Second
	MaxRegionRate            = 1_000_000.0 // bids per second, per region
	MaxWorkers               = 1024
	MaxContention            = 64
	MaxSlotsPerSecond        = 100_000.0
	MaxAccounts              = 100_000 // of each kind
	// MinReconcileInterval keeps the reconciler from polling the ledger in a
	// tight loop.
	MinReconcileInterval = 10 * time.Millisecond
	// MaxPrice bounds a bid, a floor and a region's median price.
	MaxPrice = 1_000_000 * money.Dollar
	// MaxBudget bounds an advertiser's budget: MaxAccounts advertisers at
	// MaxBudget each still sum within int64 micros, so no balance or total
	// can overflow.
	MaxBudget = 10_000_000 * money.Dollar
)

// Config is everything a run starts with. Run control changes some of it while the
// run goes on (rates, regions up or down, workers, contention, backoff, auction).
type Config struct {
	// Seed makes the random streams reproducible; slot ids derive from it, so
	// processes with one seed bid on the same slots.
	Seed    uint64
	Regions []Region
	// SlotRate is how many slots open per second; each takes bids for SlotWindow.
	SlotRate   float64
	SlotWindow time.Duration
	// Slot floors are drawn uniformly, to the cent, from [FloorMin, FloorMax].
	FloorMin, FloorMax money.Micros
	// Advertisers and Publishers are the sizes of the account pools. Advertiser
	// budgets are drawn log-uniformly from [BudgetMin, BudgetMax]; publishers
	// start at zero.
	Advertisers, Publishers int
	BudgetMin, BudgetMax    money.Micros
	Auction                 AuctionType
	// Workers settle slots; Contention is how many of them race for each slot.
	Workers    int
	Contention int
	Backoff    BackoffPolicy
	// IngestWorkers write bid batches of BatchSize in parallel.
	IngestWorkers int
	BatchSize     int
	// The reconciler looks every ReconcileInterval for slots closed more than
	// ReconcileGrace ago that are still unsettled and not being settled here.
	ReconcileInterval time.Duration
	ReconcileGrace    time.Duration
	// DrainTimeout bounds how long a run that was told to stop keeps settling.
	DrainTimeout time.Duration
	// Logger receives the run's events; nil discards them.
	Logger *slog.Logger
}

// DefaultConfig is the exchange a newcomer sees first.
func DefaultConfig() Config {
	return Config{
		Seed:              1,
		Regions:           DefaultRegions(),
		SlotRate:          DefaultSlotsPerSecond,
		SlotWindow:        DefaultSlotWindow,
		FloorMin:          DefaultFloorMin,
		FloorMax:          DefaultFloorMax,
		Advertisers:       DefaultAdvertisers,
		Publishers:        DefaultPublishers,
		BudgetMin:         DefaultBudgetMin,
		BudgetMax:         DefaultBudgetMax,
		Auction:           FirstPrice,
		Workers:           DefaultWorkers,
		Contention:        DefaultContention,
		Backoff:           DefaultBackoff(),
		IngestWorkers:     DefaultIngestWorkers,
		BatchSize:         DefaultBatchSize,
		ReconcileInterval: DefaultReconcileInterval,
		ReconcileGrace:    DefaultReconcileGrace,
		DrainTimeout:      DefaultDrainTimeout,
	}
}

// Validate reports every setting that cannot work, saying which and why.
func (c Config) Validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	seen := map[string]bool{}
	for _, r := range c.Regions {
		check(r.Name != "", "a region needs a name")
		check(!seen[r.Name], "region %s is listed twice", r.Name)
		seen[r.Name] = true
		check(r.Rate >= 0 && r.Rate <= MaxRegionRate,
			"region %s: rate %g is outside [0, %g] bids/s", r.Name, r.Rate, MaxRegionRate)
		check(r.MedianPrice > 0 && r.MedianPrice <= MaxPrice,
			"region %s: median price %s is outside (0, %s]", r.Name, r.MedianPrice, MaxPrice)
		check(r.PriceSpread >= 0, "region %s: price spread must not be negative", r.Name)
	}
	check(c.SlotRate >= minSlotRate && c.SlotRate <= MaxSlotsPerSecond,
		"slot rate must be in [%g, %g] slots/s, got %g", minSlotRate, MaxSlotsPerSecond, c.SlotRate)
	check(c.SlotWindow > 0, "slot window must be positive, got %s", c.SlotWindow)
	check(c.FloorMin >= 0 && c.FloorMax >= c.FloorMin && c.FloorMax <= MaxPrice,
		"floor range [%s, %s] is empty, negative or above %s", c.FloorMin, c.FloorMax, MaxPrice)
	check(c.Advertisers > 0 && c.Advertisers <= MaxAccounts,
		"advertisers must be in [1, %d], got %d", MaxAccounts, c.Advertisers)
	check(c.Publishers > 0 && c.Publishers <= MaxAccounts,
		"publishers must be in [1, %d], got %d", MaxAccounts, c.Publishers)
	check(c.BudgetMin > 0 && c.BudgetMax >= c.BudgetMin && c.BudgetMax <= MaxBudget,
		"budget range [%s, %s] is empty, not positive or above %s", c.BudgetMin, c.BudgetMax,
		MaxBudget)
	_, err := ParseAuctionType(string(c.Auction))
	check(err == nil, "%v", err)
	check(c.Workers >= 1 && c.Workers <= MaxWorkers,
		"workers must be in [1, %d], got %d", MaxWorkers, c.Workers)
	check(c.Contention >= 1 && c.Contention <= MaxContention,
		"contention must be in [1, %d], got %d", MaxContention, c.Contention)
	if err := c.Backoff.Validate(); err != nil {
		errs = append(errs, err)
	}
	check(c.IngestWorkers >= 1, "ingest workers must be at least 1, got %d", c.IngestWorkers)
	check(c.BatchSize >= 1, "batch size must be at least 1, got %d", c.BatchSize)
	check(c.ReconcileInterval >= MinReconcileInterval, "reconcile interval must be at least %s, got %s",
		MinReconcileInterval, c.ReconcileInterval)
	check(c.ReconcileGrace >= 0, "reconcile grace must not be negative")
	check(c.DrainTimeout > 0, "drain timeout must be positive: a run needs time to "+
		"record and settle the auctions it closes")
	return errors.Join(errs...)
}
