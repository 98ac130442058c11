package pg

import (
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// CheckDSN reports whether a PostgreSQL connection string can be parsed, and
// if not why, without quoting it.
func CheckDSN(dsn string) error {
	if _, err := pgconn.ParseConfig(dsn); err != nil {
		return unparsableDSN(err)
	}
	return nil
}

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

// redactor removes secrets from error text: the password of the connection
// string, and the signed parts of DSQL tokens (a token is a presigned URL; its
// X-Amz-* query values are the credential, the signature and any session
// token). This is defence in depth: pgx puts neither the password nor the
// token of a connection in the errors it returns once the connection string is
// parsed (TestOpenErrors and TestConnectErrorsCarryNoToken check the connect
// errors). Should a driver, a server message or a wrapped error ever quote one,
// no error the ledger returns carries it to a log or a screen.
type redactor struct {
	// password is set before the pool makes its first connection, and not
	// changed after.
	password string
}

// signedValue is the value of an X-Amz-* query parameter, in a URL's encoded
// form or decoded.
var signedValue = regexp.MustCompile("(X-Amz-[A-Za-z-]+=)[^&\\s\"'`]+")

// redact returns err with its text cleaned of secrets; errors.Is and errors.As
// still see the original.
func (r *redactor) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := msg
	if strings.Contains(clean, "X-Amz-") {
		clean = signedValue.ReplaceAllString(clean, "${1}"+redacted)
	}
	if r.password != "" {
		clean = strings.ReplaceAll(clean, r.password, redacted)
	}
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

const redacted = "[REDACTED]"

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
