package memory

// ring keeps the latest items pushed into it, up to its capacity.
type ring[T any] struct {
	buf   []T
	next  int
	total int
}

func newRing[T any](capacity int) *ring[T] {
	return &ring[T]{buf: make([]T, 0, capacity)}
}

func (r *ring[T]) push(v T) {
	r.total++
	if len(r.buf) < cap(r.buf) {
		r.buf = append(r.buf, v)
		return
	}
	r.buf[r.next] = v
	r.next = (r.next + 1) % len(r.buf)
}

// items returns the kept items, oldest first.
func (r *ring[T]) items() []T {
	out := make([]T, 0, len(r.buf))
	out = append(out, r.buf[r.next:]...)
	return append(out, r.buf[:r.next]...)
}
