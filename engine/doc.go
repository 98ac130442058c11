// Package engine is the exchange itself: it generates (or replays) bids from
// regions, stores them in the bid store, closes each slot's auction, and settles
// the winner in the ledger with racing workers that retry conflicts with backoff.
//
// A run is a pipeline of stages, each owned by the Engine and stopped through a
// context:
//
//	generator -> ingest workers -> closer -> settlement workers
//	                                   ^           |
//	                                   +- reconciler (slots whose racers gave up)
//
// Every stage feeds counters and histograms; Snapshot copies them for the console
// and the headless report. Run control (Set* methods) changes the dials while the
// run goes on. The engine depends on the store interfaces only.
package engine
