module github.com/quantedge/qex

go 1.26.8

require (
	github.com/HdrHistogram/hdrhistogram-go v1.4.0
	github.com/google/uuid v1.6.0
)

require (
	golang.org/x/sync v0.25.0
	golang.org/x/term v0.48.0
)

require golang.org/x/sys v0.50.0 // indirect
