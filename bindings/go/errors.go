package ooauthcc

// #include "ooauthcc.h"
import "C"

import (
	"errors"
	"time"
)

// Kind is the kind of a failure: the library's stable ooauthcc_status code
// (the same number in C, Rust's ErrorKind::code() and Python's Error.status).
//
// Each kind is itself an error value, to be used as the target of errors.Is:
//
//	if errors.Is(err, ooauthcc.ErrOAuth) { ... }
type Kind uint32

// The kinds of failure, numbered as ooauthcc_status in ooauthcc.h.
const (
	// ErrNullArgument: a required pointer was NULL (a bug in this package).
	ErrNullArgument Kind = 1
	// ErrInvalidArgument: an argument was invalid (not UTF-8, a NUL byte, an
	// unknown enum value, a URL that does not parse).
	ErrInvalidArgument Kind = 2
	// ErrConfig: a setting is invalid or unknown; the message names it.
	ErrConfig Kind = 3
	// ErrTransport: the token endpoint could not be reached.
	ErrTransport Kind = 10
	// ErrTimeout: no token within the configured get_timeout.
	ErrTimeout Kind = 11
	// ErrHTTPStatus: the token endpoint answered with an HTTP status that is
	// not an OAuth error (5xx, 429, a redirect, …); see Error.HTTPStatus.
	ErrHTTPStatus Kind = 12
	// ErrOAuth: the token endpoint answered with an RFC 6749 §5.2 error
	// (invalid_client, …); see Error.OAuthError.
	ErrOAuth Kind = 13
	// ErrMalformedResponse: the answer could not be used as a token response.
	ErrMalformedResponse Kind = 14
	// ErrStore: never returned by the library (a failing shared store is
	// skipped); kept because the code is reserved.
	ErrStore Kind = 15
	// ErrUsage: the API was used in a way it does not support (a token for a
	// host that is not allowed, a client used after Close, …).
	ErrUsage Kind = 21
	// ErrInternal: a bug in ooauthcc; please report it.
	ErrInternal Kind = 99
)

// String is the library's short name of the kind, e.g. "oauth" or
// "http_status"; "unknown" for a number the loaded library does not know.
func (k Kind) String() string {
	return C.GoString(C.ooauthcc_status_name(C.uint32_t(k)))
}

// Error makes a Kind an error value (for errors.Is targets).
func (k Kind) Error() string {
	return "ooauthcc: " + k.String() + " error"
}

// ErrClosed is wrapped by the error of every call on a closed Client (whose
// kind is ErrUsage): errors.Is(err, ooauthcc.ErrClosed).
var ErrClosed = errors.New("ooauthcc: client is closed")

// Error is the detail of a failed call. Its message never holds a secret or
// a token.
type Error struct {
	// Status is the numeric ooauthcc_status code (see Kind).
	Status uint32
	// Message says what failed and why, naming the setting, argument or
	// endpoint concerned, followed by the OAuth error code and description
	// when the server sent them.
	Message string
	// HTTPStatus is the HTTP status the token endpoint answered with; 0 when
	// there was no HTTP answer.
	HTTPStatus int
	// OAuthError is the OAuth "error" code the server sent (RFC 6749 §5.2),
	// e.g. "invalid_client"; empty when it sent none.
	OAuthError string
	// OAuthErrorDescription is the "error_description" the server sent.
	OAuthErrorDescription string
	// OAuthErrorURI is the "error_uri" the server sent.
	OAuthErrorURI string
	// Retryable tells whether trying again later may succeed (outages:
	// transport errors, timeouts, 5xx, 429).
	Retryable bool
	// RetryAfter is how long the server asked to wait (Retry-After); 0 when
	// it did not say.
	RetryAfter time.Duration

	wrapped error
}

// Kind is the kind of the failure: compare it with ErrOAuth, ErrTimeout, …
func (e *Error) Kind() Kind { return Kind(e.Status) }

// Error is "ooauthcc: <kind>: <message>".
func (e *Error) Error() string {
	return "ooauthcc: " + e.Kind().String() + ": " + e.Message
}

// Is makes errors.Is(err, ooauthcc.ErrOAuth) (any Kind) true for an *Error of
// that kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind()
}

// Unwrap returns the error this one wraps (ErrClosed for a closed client).
func (e *Error) Unwrap() error { return e.wrapped }

// Timeout reports whether no token came in time (the net.Error convention).
func (e *Error) Timeout() bool { return e.Kind() == ErrTimeout }

// takeError turns a failed status and its error object (which it frees) into
// an *Error.
func takeError(status C.uint32_t, cerr *C.ooauthcc_error) error {
	e := &Error{Status: uint32(status)}
	if cerr == nil {
		e.Message = "(no detail)"
		return e
	}
	defer C.ooauthcc_error_free(cerr)
	e.Message = C.GoString(C.ooauthcc_error_message(cerr))
	e.HTTPStatus = int(C.ooauthcc_error_http_status(cerr))
	e.OAuthError = goStringOrEmpty(C.ooauthcc_error_oauth_error(cerr))
	e.OAuthErrorDescription = goStringOrEmpty(C.ooauthcc_error_oauth_error_description(cerr))
	e.OAuthErrorURI = goStringOrEmpty(C.ooauthcc_error_oauth_error_uri(cerr))
	e.Retryable = bool(C.ooauthcc_error_is_retryable(cerr))
	e.RetryAfter = time.Duration(C.ooauthcc_error_retry_after_ms(cerr)) * time.Millisecond
	return e
}

func goStringOrEmpty(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

func closedError(op string) error {
	return &Error{Status: uint32(ErrUsage), Message: op + " on a closed client", wrapped: ErrClosed}
}

func usageError(kind Kind, msg string) error {
	return &Error{Status: uint32(kind), Message: msg}
}
