package pg

import (
	"strings"
	"sync"
)

// keptSecrets bounds how many recent secrets (a token per connection) are
// remembered for redaction.
const keptSecrets = 64

// redactor removes secrets (DSQL tokens, a DSN's password) from error text, so
// that no error the ledger returns can carry one to a log or a screen.
type redactor struct {
	mu      sync.Mutex
	secrets []string // newest last, guarded by mu
}

func (r *redactor) add(secret string) {
	if secret == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.secrets) >= keptSecrets {
		r.secrets = r.secrets[1:]
	}
	r.secrets = append(r.secrets, secret)
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
	for _, s := range r.secrets {
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
