# QEX: the console, its tests and its benchmarks.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BENCH_TIME ?= 2s

.PHONY: run build test test-short bench lint clean dynalite

# The console on the embedded stores.
run:
	$(GO) run -ldflags "$(LDFLAGS)" ./cmd/qex-tui

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/qex-tui ./cmd/qex-tui

# Every test, with the race detector. The DynamoDB tests run dynalite, which
# npm installs from package-lock.json.
test: lint dynalite
	$(GO) test -race -count=1 ./...

dynalite: node_modules/.bin/dynalite

node_modules/.bin/dynalite: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund; \
	else echo "npm not found: the DynamoDB integration tests will skip"; fi

test-short:
	$(GO) test -count=1 ./...

# Speed and memory, as Go's benchmark harness prints them; then settlements/s
# into PostgreSQL against pgbench's TPC-B-like transaction on the same server,
# in alternating rounds.
bench:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCH_TIME) -benchmem ./...
	scripts/compare-pg.sh 5

lint:
	@test -z "$$(gofmt -l .)" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

clean:
	rm -rf bin
