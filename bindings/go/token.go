package ooauthcc

import (
	"fmt"
	"io"
	"strconv"
	"time"
)

// Token is an access token and what the server said about it. It is a small
// immutable value, safe to copy and to share between goroutines.
//
// Its printed forms (String, GoString, every fmt verb, and a Token nested in
// a struct, even in an unexported field) never show the access token:
// call AccessToken to read it, and never log that.
type Token struct {
	// A pointer, so that fmt printing a Token through reflection (as a field
	// it cannot call methods on) shows an address, never the token.
	d *tokenData
}

// AccessToken is the access token itself. Do not log it.
func (t Token) AccessToken() string {
	if t.d == nil {
		return ""
	}
	return t.d.accessToken
}

// TokenType is the token type: "Bearer" when the server said bearer in any
// case or nothing; other types as sent.
func (t Token) TokenType() string {
	if t.d == nil {
		return ""
	}
	return t.d.tokenType
}

// ExpiresAt is when the token expires on the wall clock (the server's
// expires_in counted from when the request was sent). The library stops
// serving it refresh_skew earlier.
func (t Token) ExpiresAt() time.Time {
	if t.d == nil {
		return time.Time{}
	}
	return t.d.expiresAt
}

// Lifetime is the lifetime the server granted (or the one assumed when it
// said none).
func (t Token) Lifetime() time.Duration {
	if t.d == nil {
		return 0
	}
	return t.d.lifetime
}

// Scope is the scope the server granted; empty when it sent none.
func (t Token) Scope() string {
	if t.d == nil {
		return ""
	}
	return t.d.scope
}

// IsZero reports whether t is the zero Token (no token).
func (t Token) IsZero() bool { return t.d == nil }

// String is a redacted description, e.g.
// Token(access_token=<redacted, 35 chars>, token_type="Bearer", expires_at=…, scope="a b").
func (t Token) String() string {
	if t.d == nil {
		return "Token(<none>)"
	}
	return "Token(access_token=<redacted, " + strconv.Itoa(len(t.d.accessToken)) + " chars>, token_type=" +
		strconv.Quote(t.d.tokenType) + ", expires_at=" + t.d.expiresAt.UTC().Format(time.RFC3339) +
		", scope=" + strconv.Quote(t.d.scope) + ")"
}

// GoString (the %#v verb) is redacted too.
func (t Token) GoString() string { return "ooauthcc." + t.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q, %x, …) print the
// redacted form.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, t.GoString())
		return
	}
	_, _ = io.WriteString(f, t.String())
}
