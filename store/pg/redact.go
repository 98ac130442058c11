package pg

import (
	"slices"
	"strings"
	"sync"
)

// unparsableDSN says why a connection string could not be parsed without
// quoting it. pgx quotes it with the password masked, but only as far as it can
// tell where a malformed password ends: an unescaped '@' in a URL's password,
// or an escaped space in key=value form, leaves the rest of it in the text.
// Nothing else knows the password yet, so nothing else could remove it.
func unparsableDSN(err error) error {
	reason := "malformed"
	// pgx's text is "cannot parse `<connection string>`: <reason>".
	if at := strings.LastIndex(err.Error(), "`: "); at >= 0 {
		reason = err.Error()[at+len("`: "):]
	}
	return &redactedError{err: err, msg: "the PostgreSQL connection string cannot be parsed: " +
		reason + " (the string is not shown: it may hold a password)"}
}

// keptSecrets bounds how many recent secrets (a token per connection) are
// remembered for redaction: more than a pool holds connections.
const keptSecrets = 4096

// redactor removes secrets (DSQL tokens, a DSN's password) from error text, so
// that no error the ledger returns can carry one to a log or a screen.
type redactor struct {
	mu       sync.Mutex
	secrets  []string // newest last, guarded by mu
	byLength []string // the same, longest first, guarded by mu
}

func (r *redactor) add(secret string) {
	if secret == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.secrets) >= keptSecrets {
		r.secrets = slices.Delete(r.secrets, 0, 1)
	}
	r.secrets = append(r.secrets, secret)
	r.byLength = slices.Clone(r.secrets)
	// Longest first: a secret that begins another must not leave its tail.
	slices.SortStableFunc(r.byLength, func(a, b string) int { return len(b) - len(a) })
}

// redact returns err with every known secret in its text replaced; errors.Is and
// errors.As still see the original.
func (r *redactor) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	r.mu.Lock()
	clean := msg
	for _, s := range r.byLength {
		clean = strings.ReplaceAll(clean, s, "[REDACTED]")
	}
	r.mu.Unlock()
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
