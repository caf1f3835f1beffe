package ooauthcc

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -looauthcc
#include <stdlib.h>
#include <string.h>
#include "ooauthcc.h"

// The result of goo_try and goo_get, returned by value so that no Go
// pointer crosses.
typedef struct {
	uint32_t status;          // ooauthcc_status
	int pending;              // goo_try: no token yet, the shared fetch runs: wait for it
	ooauthcc_token *token;    // a new reference when it is not `known`, else NULL
	ooauthcc_error *err;      // when status != OK
} goo_result;

// Keeps the token reference t in r, unless it is `known` (the token this
// wrapper got last, still referenced by it): that one is dropped here, so the
// Go side copies nothing for a cached token.
static void goo_keep(goo_result *r, ooauthcc_token *t, ooauthcc_token *known) {
	if (t == known) {
		ooauthcc_token_free(t);
	} else {
		r->token = t;
	}
}

// The hot path, in one crossing and never blocking: the token the cache may
// serve (a stale one's renewal starts), else `pending` while the one shared
// fetch runs (started here if need be), else the error of a fetch that just
// failed (remembered for its hold time). only_cached (the caller's context
// is done, so it will not wait): start no fetch; when the cache holds a token
// it may serve, try_get_token then serves it as for any caller (a cache hit,
// a stale one's renewal started). The pointers come as integers: see
// clientAddr in Go.
static goo_result goo_try(uintptr_t client, uintptr_t known_token, int only_cached) {
	const ooauthcc_client *c = (const ooauthcc_client *)client;
	ooauthcc_token *known = (ooauthcc_token *)known_token;
	goo_result r = {0, 0, NULL, NULL};
	ooauthcc_token *t = NULL;
	if (only_cached) {
		r.status = ooauthcc_client_cached_token(c, &t, &r.err);
		if (r.status != OOAUTHCC_STATUS_OK) return r;
		if (t == NULL) {
			r.pending = 1;
			return r;
		}
		ooauthcc_token_free(t);
		t = NULL;
	}
	r.status = ooauthcc_client_try_get_token(c, &t, &r.err);
	if (r.status != OOAUTHCC_STATUS_OK) return r;
	if (t == NULL) {
		r.pending = 1;
	} else {
		goo_keep(&r, t, known);
	}
	return r;
}

// The waiting path: blocks until the shared fetch ends, or get_timeout.
static goo_result goo_get(const ooauthcc_client *c, ooauthcc_token *known) {
	goo_result r = {0, 0, NULL, NULL};
	ooauthcc_token *t = NULL;
	r.status = ooauthcc_client_get_token(c, OOAUTHCC_TIMEOUT_CONFIGURED, &t, &r.err);
	if (r.status == OOAUTHCC_STATUS_OK) goo_keep(&r, t, known);
	return r;
}

// What Go copies out of a new token, in one crossing.
typedef struct {
	const char *access_token;
	size_t access_token_len;
	const char *token_type;
	const char *scope;
	int64_t expires_at_ms;
	uint64_t lifetime_ms;
	ooauthcc_header *header; // freed by Go after copying its value
	uint32_t status;
	ooauthcc_error *err;
} goo_token_info;

static goo_token_info goo_describe(const ooauthcc_client *c, const ooauthcc_token *t) {
	goo_token_info i;
	memset(&i, 0, sizeof i);
	i.access_token = ooauthcc_token_access_token(t);
	i.access_token_len = ooauthcc_token_access_token_len(t);
	i.token_type = ooauthcc_token_token_type(t);
	i.scope = ooauthcc_token_scope(t);
	i.expires_at_ms = ooauthcc_token_expires_at_unix_ms(t);
	i.lifetime_ms = ooauthcc_token_lifetime_ms(t);
	i.status = ooauthcc_client_header_for_token(c, t, &i.header, &i.err);
	return i;
}

typedef struct {
	ooauthcc_client *client;
	uint32_t status;
	ooauthcc_error *err;
} goo_new_result;

// Parses the settings and builds the client; wipes and frees `json`.
static goo_new_result goo_client_from_json(char *json, size_t len) {
	goo_new_result r = {NULL, 0, NULL};
	ooauthcc_config *cfg = NULL;
	r.status = ooauthcc_config_from_json(json, &cfg, &r.err);
	volatile char *p = json;
	for (size_t k = 0; k < len; k++) p[k] = 0;
	free(json);
	if (r.status != OOAUTHCC_STATUS_OK) return r;
	r.status = ooauthcc_client_new(cfg, &r.client, &r.err);
	ooauthcc_config_free(cfg);
	return r;
}

typedef struct {
	uint32_t status;
	bool invalidated;
	ooauthcc_error *err;
} goo_invalidate_result;

// Compare-and-invalidate; wipes and frees `token`.
static goo_invalidate_result goo_invalidate(const ooauthcc_client *c, char *token, size_t len) {
	goo_invalidate_result r = {0, false, NULL};
	r.status = ooauthcc_client_invalidate(c, token, &r.invalidated, &r.err);
	volatile char *p = token;
	for (size_t k = 0; k < len; k++) p[k] = 0;
	free(token);
	return r;
}

typedef struct {
	uint32_t status;
	ooauthcc_token *token;
	ooauthcc_error *err;
} goo_cached_result;

static goo_cached_result goo_cached(const ooauthcc_client *c) {
	goo_cached_result r = {0, NULL, NULL};
	r.status = ooauthcc_client_cached_token(c, &r.token, &r.err);
	return r;
}

typedef struct {
	uint32_t status;
	uint64_t value;
	ooauthcc_error *err;
} goo_stat_result;

static goo_stat_result goo_stat(const ooauthcc_client *c, uint32_t which) {
	goo_stat_result r = {0, 0, NULL};
	r.status = ooauthcc_client_stat(c, which, &r.value, &r.err);
	return r;
}

static ooauthcc_error *goo_check_destination(const ooauthcc_client *c, const char *url, uint32_t *status) {
	ooauthcc_error *err = NULL;
	*status = ooauthcc_client_check_destination(c, url, &err);
	return err;
}
*/
import "C"

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Version is the version of the libooauthcc actually loaded, e.g. "0.2.0".
func Version() string {
	return C.GoString(C.ooauthcc_version())
}

// Client gets tokens for one configuration. It is safe for concurrent use by
// any number of goroutines. Every client built from the same settings in
// this process shares one cache entry with the others (one token, one
// in-flight request, one set of statistics), whichever language built it.
//
// Close it when done; a Client that is garbage collected unclosed is closed
// by a finalizer.
type Client struct {
	mu  sync.RWMutex       // read-held around every C call on ptr; Close write-holds it
	ptr *C.ooauthcc_client // nil once closed
	// The token this Client got last, with its Go copies: handed out again
	// without copying while the library serves the same token.
	last       atomic.Pointer[tokenData]
	headerName string
	queryParam string
}

// tokenData holds the Go copies of one token and one library reference to
// it, dropped by a finalizer: a pointer compared with it in C is therefore
// never that of another token.
type tokenData struct {
	handle      *C.ooauthcc_token
	accessToken string
	tokenType   string
	scope       string
	expiresAt   time.Time
	lifetime    time.Duration
	header      string // the header value, e.g. "Bearer <token>"
}

// NewClient builds a client from settings named as in the library's settings
// table (README.md): "token_url", "client_id", "client_secret", "scopes",
// "auth_method", "get_timeout", … Durations are seconds (fractions allowed)
// or time.Duration values. The map is serialized with encoding/json, so any
// setting of the loaded library works. Unknown settings are an error of kind
// ErrConfig naming them. Nothing is sent until the first Token call.
func NewClient(settings map[string]any) (*Client, error) {
	doc := make(map[string]any, len(settings))
	for k, v := range settings {
		switch d := v.(type) {
		case time.Duration:
			doc[k] = d.Seconds()
		default:
			doc[k] = v
		}
	}
	buf, err := json.Marshal(doc)
	if err != nil {
		return nil, &Error{Status: uint32(ErrConfig), Message: "settings cannot be encoded as JSON: " + err.Error()}
	}
	defer wipe(buf)
	return NewClientFromJSON(buf)
}

// NewClientFromJSON builds a client from a JSON object of settings (the same
// document as Rust's ClientConfig::from_json; durations in seconds). The
// library's copy of the document is wiped after parsing; doc is left as it is.
func NewClientFromJSON(doc []byte) (*Client, error) {
	if bytes.IndexByte(doc, 0) >= 0 {
		return nil, usageError(ErrInvalidArgument, "the settings document holds a NUL byte")
	}
	cdoc := cBytes(doc)
	r := C.goo_client_from_json(cdoc, C.size_t(len(doc)+1))
	if r.status != C.OOAUTHCC_STATUS_OK {
		return nil, takeError(r.status, r.err)
	}
	c := &Client{
		ptr:        r.client,
		headerName: C.GoString(C.ooauthcc_client_header_name(r.client)),
		queryParam: goStringOrEmpty(C.ooauthcc_client_query_param(r.client)),
	}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// Token returns a valid token: the cached one at once (its renewal starts in
// the background when it is due), otherwise the result of ONE request shared
// by every caller waiting at the same time. The error of a fetch that just
// failed is returned at once too, for as long as the library holds off after
// it (with backoff), so callers retrying in a loop do not flood the server.
//
// ctx bounds only the waiting: when it is done first, Token returns
// ctx.Err() at once, and the shared request goes on for the other callers
// (its result is cached, so it is not lost). A cached token is returned even
// when ctx is already done (no request is started then). Without a deadline
// of its own, a wait ends with an error of kind ErrTimeout after the
// configured get_timeout.
func (c *Client) Token(ctx context.Context) (Token, error) {
	d, err := c.get(ctx)
	if err != nil {
		return Token{}, err
	}
	return Token{d}, nil
}

// HeaderValue is Token formatted as the value of the header to send,
// "Bearer <token>" (or with the configured token_prefix). Send it in the
// header named HeaderName.
func (c *Client) HeaderValue(ctx context.Context) (string, error) {
	d, err := c.get(ctx)
	if err != nil {
		return "", err
	}
	return d.header, nil
}

// HeaderName is the header that carries the token (header_name, default
// "Authorization").
func (c *Client) HeaderName() string { return c.headerName }

// QueryParam is the query parameter the token is to be sent in when the
// settings name one (query_param); empty otherwise (send the header).
func (c *Client) QueryParam() string { return c.queryParam }

// get is Token's work: the non-waiting call on the calling goroutine, then,
// when the cache has no token to serve and a fetch is under way, the waiting
// path.
func (c *Client) get(ctx context.Context) (*tokenData, error) {
	// A context already done waits for nothing, so it starts no fetch either:
	// only a token the cache may serve is taken then. (A non-blocking receive
	// costs no lock, unlike ctx.Err on a cancellable context.)
	done := ctx.Done()
	cancelled := false
	if done != nil {
		select {
		case <-done:
			cancelled = true
		default:
		}
	}
	onlyCached := C.int(0)
	if cancelled {
		onlyCached = 1
	}
	c.mu.RLock()
	if c.ptr == nil {
		c.mu.RUnlock()
		return nil, closedError("Token")
	}
	known := c.last.Load()
	r := C.goo_try(clientAddr(c.ptr), tokenAddr(known.cHandle()), onlyCached)
	if r.pending == 0 { // a token, or the error of a fetch that just failed
		d, err := c.finish(c.ptr, known, r)
		c.mu.RUnlock()
		runtime.KeepAlive(known)
		return d, err
	}
	if cancelled {
		c.mu.RUnlock()
		return nil, ctx.Err()
	}
	// The wait runs on a client reference of its own, so that Close need not
	// wait for it, and a call abandoned by its context can finish after Close.
	ref := C.ooauthcc_client_clone(c.ptr)
	c.mu.RUnlock()
	if done == nil { // context.Background(): cannot be cancelled
		return c.wait(ref, known)
	}
	type result struct {
		d   *tokenData
		err error
	}
	res := make(chan result, 1)
	go func() {
		d, err := c.wait(ref, known)
		res <- result{d, err}
	}()
	select {
	case out := <-res:
		return out.d, out.err
	case <-done:
		return nil, ctx.Err()
	}
}

// wait blocks on the library for a token (up to get_timeout), then drops ref.
func (c *Client) wait(ref *C.ooauthcc_client, known *tokenData) (*tokenData, error) {
	defer C.ooauthcc_client_free(ref)
	r := C.goo_get(ref, known.cHandle())
	d, err := c.finish(ref, known, r)
	runtime.KeepAlive(known)
	return d, err
}

// finish turns the result of goo_try or goo_get into the token's Go copies,
// making a new token the one this Client knows. cp is a live client reference.
func (c *Client) finish(cp *C.ooauthcc_client, known *tokenData, r C.goo_result) (*tokenData, error) {
	if r.status != C.OOAUTHCC_STATUS_OK {
		return nil, takeError(r.status, r.err)
	}
	if r.token == nil {
		return known, nil
	}
	return c.adopt(cp, r.token)
}

// adopt takes over the reference t: the Go copies of the token this Client
// already knows when it is the same, else new ones.
func (c *Client) adopt(cp *C.ooauthcc_client, t *C.ooauthcc_token) (*tokenData, error) {
	if cur := c.last.Load(); cur != nil && cur.handle == t {
		C.ooauthcc_token_free(t)
		return cur, nil
	}
	i := C.goo_describe(cp, t)
	if i.status != C.OOAUTHCC_STATUS_OK {
		C.ooauthcc_token_free(t)
		return nil, takeError(i.status, i.err)
	}
	d := &tokenData{
		handle:      t,
		accessToken: C.GoStringN(i.access_token, C.int(i.access_token_len)),
		tokenType:   C.GoString(i.token_type),
		scope:       goStringOrEmpty(i.scope),
		expiresAt:   time.UnixMilli(int64(i.expires_at_ms)),
		lifetime:    time.Duration(i.lifetime_ms) * time.Millisecond,
		header:      C.GoString(C.ooauthcc_header_value(i.header)),
	}
	C.ooauthcc_header_free(i.header)
	runtime.SetFinalizer(d, func(d *tokenData) { C.ooauthcc_token_free(d.handle) })
	c.last.Store(d)
	return d, nil
}

func (d *tokenData) cHandle() *C.ooauthcc_token {
	if d == nil {
		return nil
	}
	return d.handle
}

// clientAddr and tokenAddr pass a C pointer to a C helper as an integer, on
// the hot path: cgo checks every pointer argument for Go memory, boxing it in
// an interface, and a pointer to an incomplete C type (as these are) is
// allocated on the heap for that. A C pointer needs no such check.
func clientAddr(p *C.ooauthcc_client) C.uintptr_t { return C.uintptr_t(uintptr(unsafe.Pointer(p))) }

func tokenAddr(p *C.ooauthcc_token) C.uintptr_t { return C.uintptr_t(uintptr(unsafe.Pointer(p))) }

// CachedToken returns the token the cache may still serve, never blocking:
// no request, no wait, no renewal started, not counted in the statistics.
// ok is false when the cache holds none (empty or expired).
func (c *Client) CachedToken() (tok Token, ok bool, err error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return Token{}, false, closedError("CachedToken")
	}
	r := C.goo_cached(c.ptr)
	if r.status != C.OOAUTHCC_STATUS_OK {
		return Token{}, false, takeError(r.status, r.err)
	}
	if r.token == nil {
		return Token{}, false, nil
	}
	d, err := c.adopt(c.ptr, r.token)
	if err != nil {
		return Token{}, false, err
	}
	return Token{d}, true, nil
}

// Invalidate drops the cached token only if it is accessToken — the one a
// resource server just rejected with 401 — so that many callers reporting
// the same token cause one new request, and a late report never drops a
// newer token. It reports whether this call dropped it.
func (c *Client) Invalidate(accessToken string) (bool, error) {
	if hasNUL(accessToken) {
		return false, usageError(ErrInvalidArgument, "access_token holds a NUL byte")
	}
	c.mu.RLock()
	if c.ptr == nil {
		c.mu.RUnlock()
		return false, closedError("Invalidate")
	}
	r := C.goo_invalidate(c.ptr, cString(accessToken), C.size_t(len(accessToken)+1))
	c.mu.RUnlock()
	if cur := c.last.Load(); cur != nil && cur.accessToken == accessToken {
		c.last.CompareAndSwap(cur, nil)
	}
	if r.status != C.OOAUTHCC_STATUS_OK {
		return false, takeError(r.status, r.err)
	}
	return bool(r.invalidated), nil
}

// CheckDestination returns nil when a token of this client may be sent to
// url: its host is in allowed_hosts (any host when that list is empty), and
// plain http only to loopback hosts (unless allow_insecure_http). Otherwise
// an error of kind ErrUsage (ErrInvalidArgument when url does not parse).
func (c *Client) CheckDestination(url string) error {
	if hasNUL(url) {
		return usageError(ErrInvalidArgument, "url holds a NUL byte")
	}
	curl := C.CString(url)
	defer C.free(unsafe.Pointer(curl))
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return closedError("CheckDestination")
	}
	var status C.uint32_t
	cerr := C.goo_check_destination(c.ptr, curl, &status)
	if status != C.OOAUTHCC_STATUS_OK {
		return takeError(status, cerr)
	}
	return nil
}

// Stats are the counters of the cache entry a client shares (every client
// built from the same settings sees the same numbers).
type Stats struct {
	TokenRequests       uint64 // HTTP requests sent to the token endpoint (retries count)
	CacheHits           uint64 // calls answered from the cache without waiting
	Waits               uint64 // calls that had to wait for a fetch
	BackgroundRefreshes uint64 // fetches started ahead of expiry
	Failures            uint64 // fetches that ended in an error
	Fetches             uint64 // fetches started, foreground and background
	StoreHits           uint64 // fetches answered from the shared store
	StoreWaits          uint64 // fetches that waited for another process's store lock
	StoreErrors         uint64 // store operations that failed (skipped)
	StoreRejected       uint64 // store values that failed authentication
	// All is every counter of the loaded library by its name
	// ("token_requests", …), including any newer than this package.
	All map[string]uint64
}

// Stats reads the counters. Each is read anew, so counters may be from
// slightly different moments.
func (c *Client) Stats() (Stats, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.ptr == nil {
		return Stats{}, closedError("Stats")
	}
	s := Stats{All: make(map[string]uint64)}
	for i := C.uint32_t(0); ; i++ {
		name := C.ooauthcc_stat_name(i)
		if name == nil {
			break
		}
		r := C.goo_stat(c.ptr, i)
		if r.status != C.OOAUTHCC_STATUS_OK {
			return Stats{}, takeError(r.status, r.err)
		}
		v := uint64(r.value)
		n := C.GoString(name)
		s.All[n] = v
		switch n {
		case "token_requests":
			s.TokenRequests = v
		case "cache_hits":
			s.CacheHits = v
		case "waits":
			s.Waits = v
		case "background_refreshes":
			s.BackgroundRefreshes = v
		case "failures":
			s.Failures = v
		case "fetches":
			s.Fetches = v
		case "store_hits":
			s.StoreHits = v
		case "store_waits":
			s.StoreWaits = v
		case "store_errors":
			s.StoreErrors = v
		case "store_rejected":
			s.StoreRejected = v
		}
	}
	return s, nil
}

// Close releases the client. Calls in progress end first (a wait for a
// token does not hold Close up); later calls fail with an error wrapping
// ErrClosed. Tokens already obtained stay valid, and the shared cache keeps
// the token for other clients. Closing twice is harmless.
func (c *Client) Close() error {
	c.mu.Lock()
	p := c.ptr
	c.ptr = nil
	c.mu.Unlock()
	if p != nil {
		C.ooauthcc_client_free(p)
		runtime.SetFinalizer(c, nil)
	}
	c.last.Store(nil)
	return nil
}

// cString copies s into C memory, NUL-terminated, for a C helper that wipes
// and frees it.
func cString(s string) *C.char {
	p := C.malloc(C.size_t(len(s) + 1))
	b := unsafe.Slice((*byte)(p), len(s)+1)
	copy(b, s)
	b[len(s)] = 0
	return (*C.char)(p)
}

// cBytes is cString for a byte slice.
func cBytes(s []byte) *C.char {
	p := C.malloc(C.size_t(len(s) + 1))
	b := unsafe.Slice((*byte)(p), len(s)+1)
	copy(b, s)
	b[len(s)] = 0
	return (*C.char)(p)
}

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
