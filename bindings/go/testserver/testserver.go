// Package testserver runs the bundled OAuth 2.0 authorization server of
// libooauthcc_testing (a real HTTP token endpoint on 127.0.0.1, on its own
// thread), FOR TESTS of programs that use ooauthcc. It links
// -looauthcc_testing; production programs import only package ooauthcc.
package testserver

/*
#cgo CFLAGS: -I${SRCDIR}/../../../include
#cgo LDFLAGS: -looauthcc_testing -looauthcc
#include <stdlib.h>
#include "ooauthcc_testing.h"

typedef struct {
	uint32_t status;
	uint64_t value;
	bool flag;
	ooauthcc_error *err;
} goo_ts_result;

static goo_ts_result goo_ts_start(ooauthcc_test_server **out) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_start(out, &r.err);
	return r;
}

static goo_ts_result goo_ts_register(const ooauthcc_test_server *s, const char *id, const char *secret) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_register_client(s, id, secret, &r.err);
	return r;
}

static goo_ts_result goo_ts_lifetime(const ooauthcc_test_server *s, uint64_t ms) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_set_token_lifetime_ms(s, ms, &r.err);
	return r;
}

static goo_ts_result goo_ts_latency(const ooauthcc_test_server *s, uint64_t ms) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_set_latency_ms(s, ms, &r.err);
	return r;
}

static goo_ts_result goo_ts_count(const ooauthcc_test_server *s, const char *id) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_request_count(s, id, &r.value, &r.err);
	return r;
}

static goo_ts_result goo_ts_total(const ooauthcc_test_server *s) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_total_requests(s, &r.value, &r.err);
	return r;
}

static goo_ts_result goo_ts_reset(const ooauthcc_test_server *s) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_reset_counts(s, &r.err);
	return r;
}

static goo_ts_result goo_ts_valid(const ooauthcc_test_server *s, const char *token) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_is_valid_token(s, token, &r.flag, &r.err);
	return r;
}

static goo_ts_result goo_ts_fault(const ooauthcc_test_server *s, uint32_t fault, uint32_t times) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_set_fault(s, fault, times, &r.err);
	return r;
}

static goo_ts_result goo_ts_fault_status(const ooauthcc_test_server *s, uint32_t status, const char *retry_after, uint32_t times) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_set_fault_status(s, status, retry_after, times, &r.err);
	return r;
}

static goo_ts_result goo_ts_fault_oauth(const ooauthcc_test_server *s, uint32_t status, const char *error,
                                        const char *description, const char *uri, uint32_t times) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_set_fault_oauth_error(s, status, error, description, uri, times, &r.err);
	return r;
}

static goo_ts_result goo_ts_fault_slow(const ooauthcc_test_server *s, uint64_t ms, uint32_t times) {
	goo_ts_result r = {0, 0, false, NULL};
	r.status = ooauthcc_test_server_set_fault_slow_ms(s, ms, times, &r.err);
	return r;
}
*/
import "C"

import (
	"sync"
	"time"
	"unsafe"

	"ooauthcc.example/ooauthcc"
)

// Fault is a misbehaviour of the server, for SetFault (ooauthcc_test_fault).
type Fault uint32

// The faults of ooauthcc_testing.h.
const (
	FaultNone            Fault = 0 // normal service
	FaultServerError     Fault = 1 // 500 (retried first): ErrHTTPStatus
	FaultTooManyRequests Fault = 2 // 429 without Retry-After: ErrHTTPStatus
	FaultNonJSON         Fault = 3 // 200 whose body is not JSON: ErrMalformedResponse
	FaultEmptyBody       Fault = 4 // 200 with an empty body: ErrMalformedResponse
	FaultErrorIn200      Fault = 5 // 200 carrying invalid_request: ErrOAuth
	FaultCloseMidBody    Fault = 6 // 200 cut off mid-body: ErrTransport
	FaultOversized       Fault = 7 // 200 with a 2 MiB body: ErrMalformedResponse
	FaultInvalidUTF8     Fault = 8 // non-UTF-8 access_token: ErrMalformedResponse
	FaultDeeplyNested    Fault = 9 // 100 000 '[': ErrMalformedResponse
)

// Server is a running test server. Its methods may be called from any
// goroutine; Close stops it (once is enough, twice is harmless).
type Server struct {
	mu       sync.RWMutex
	ptr      *C.ooauthcc_test_server
	tokenURL string
}

// Start starts a server on 127.0.0.1 on a free port.
func Start() (*Server, error) {
	var p *C.ooauthcc_test_server
	r := C.goo_ts_start(&p)
	if err := check(r); err != nil {
		return nil, err
	}
	return &Server{ptr: p, tokenURL: C.GoString(C.ooauthcc_test_server_token_url(p))}, nil
}

// TokenURL is the token endpoint, http://127.0.0.1:PORT/token.
func (s *Server) TokenURL() string { return s.tokenURL }

// RegisterClient registers a client that may authenticate with
// client_secret_basic or client_secret_post and ask for any scope.
func (s *Server) RegisterClient(clientID, clientSecret string) error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		id, sec := cstr(clientID), cstr(clientSecret)
		defer free(id, sec)
		return C.goo_ts_register(p, id, sec)
	})
}

// SetTokenLifetime sets the lifetime of tokens issued from now on (default
// one hour; expires_in is its whole seconds).
func (s *Server) SetTokenLifetime(d time.Duration) error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		return C.goo_ts_lifetime(p, C.uint64_t(d.Milliseconds()))
	})
}

// SetLatency sets a delay before every token response, so that concurrent
// callers pile up behind one request.
func (s *Server) SetLatency(d time.Duration) error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		return C.goo_ts_latency(p, C.uint64_t(d.Milliseconds()))
	})
}

// RequestCount is how many token requests named clientID (whatever their
// outcome) since the server started or ResetCounts.
func (s *Server) RequestCount(clientID string) (uint64, error) {
	var n uint64
	err := s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		id := cstr(clientID)
		defer free(id)
		r := C.goo_ts_count(p, id)
		n = uint64(r.value)
		return r
	})
	return n, err
}

// TotalRequests is how many requests reached the token endpoint in all.
func (s *Server) TotalRequests() (uint64, error) {
	var n uint64
	err := s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		r := C.goo_ts_total(p)
		n = uint64(r.value)
		return r
	})
	return n, err
}

// ResetCounts zeroes the request counters.
func (s *Server) ResetCounts() error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result { return C.goo_ts_reset(p) })
}

// IsValidToken reports whether this server issued accessToken and it has not
// expired, so that a test can play the resource server.
func (s *Server) IsValidToken(accessToken string) (bool, error) {
	var ok bool
	err := s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		t := cstr(accessToken)
		defer free(t)
		r := C.goo_ts_valid(p, t)
		ok = bool(r.flag)
		return r
	})
	return ok, err
}

// SetFault makes the next `times` token requests fail with f (every request
// until cleared when times is 0); FaultNone restores normal service.
func (s *Server) SetFault(f Fault, times uint32) error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		return C.goo_ts_fault(p, C.uint32_t(f), C.uint32_t(times))
	})
}

// SetFaultStatus answers token requests with HTTP status (and Retry-After
// set verbatim to retryAfter unless it is empty; only with 429 and 503).
func (s *Server) SetFaultStatus(status int, retryAfter string, times uint32) error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		ra := cstr(retryAfter)
		defer free(ra)
		return C.goo_ts_fault_status(p, C.uint32_t(status), ra, C.uint32_t(times))
	})
}

// SetFaultOAuthError answers token requests with an RFC 6749 §5.2 error
// body: HTTP status, error, and description and uri unless empty.
func (s *Server) SetFaultOAuthError(status int, oauthError, description, uri string, times uint32) error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		e, d, u := cstr(oauthError), cstr(description), cstr(uri)
		defer free(e, d, u)
		return C.goo_ts_fault_oauth(p, C.uint32_t(status), e, d, u, C.uint32_t(times))
	})
}

// SetFaultSlow waits delay before answering the next `times` token requests
// normally (for timeouts).
func (s *Server) SetFaultSlow(delay time.Duration, times uint32) error {
	return s.call(func(p *C.ooauthcc_test_server) C.goo_ts_result {
		return C.goo_ts_fault_slow(p, C.uint64_t(delay.Milliseconds()), C.uint32_t(times))
	})
}

// Close stops the server (requests in flight are cut off) and frees it.
func (s *Server) Close() {
	s.mu.Lock()
	p := s.ptr
	s.ptr = nil
	s.mu.Unlock()
	if p != nil {
		C.ooauthcc_test_server_free(p)
	}
}

func (s *Server) call(f func(*C.ooauthcc_test_server) C.goo_ts_result) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return &ooauthcc.Error{Status: uint32(ooauthcc.ErrUsage), Message: "test server is closed"}
	}
	return check(f(s.ptr))
}

// check turns a failed result into an *ooauthcc.Error, freeing the C error.
func check(r C.goo_ts_result) error {
	if r.status == 0 {
		return nil
	}
	e := &ooauthcc.Error{Status: uint32(r.status), Message: "(no detail)"}
	if r.err != nil {
		e.Message = C.GoString(C.ooauthcc_error_message(r.err))
		e.HTTPStatus = int(C.ooauthcc_error_http_status(r.err))
		C.ooauthcc_error_free(r.err)
	}
	return e
}

func cstr(s string) *C.char { return C.CString(s) }

func free(ps ...*C.char) {
	for _, p := range ps {
		C.free(unsafe.Pointer(p))
	}
}
