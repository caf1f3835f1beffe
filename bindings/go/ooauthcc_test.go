package ooauthcc_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ooauthcc.example/ooauthcc"
)

const herdSize = 64 // callers in a herd

func TestVersion(t *testing.T) {
	if v := ooauthcc.Version(); !regexp.MustCompile(`^\d+\.\d+\.\d+`).MatchString(v) {
		t.Fatalf("Version() = %q", v)
	}
}

// Required test 1: a herd on an empty cache makes exactly one request.
func TestHerdOnEmptyCacheMakesOneRequest(t *testing.T) {
	s := startServer(t, "herd", "herd-secret")
	if err := s.SetLatency(200 * time.Millisecond); err != nil { // callers pile up behind the request
		t.Fatal(err)
	}
	c := newClient(t, s, "herd", "herd-secret", nil)
	tok := sameToken(t, herd(c, herdSize))
	if n := requests(t, s, "herd"); n != 1 {
		t.Fatalf("%d callers made %d token requests, want 1", herdSize, n)
	}
	if ok, err := s.IsValidToken(tok); err != nil || !ok {
		t.Fatalf("the server does not know the token: %v %v", ok, err)
	}
	if st := stats(t, c); st.TokenRequests != 1 || st.Fetches != 1 || st.Failures != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// Required test 2: once the token expired, a herd makes exactly one more request.
func TestHerdOnExpiredTokenMakesOneMoreRequest(t *testing.T) {
	s := startServer(t, "expiry", "expiry-secret")
	if err := s.SetLatency(200 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTokenLifetime(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	// No refresh-ahead: the token must really expire before the second herd.
	c := newClient(t, s, "expiry", "expiry-secret", map[string]any{"refresh_ahead": 1.0, "refresh_jitter": 0.0})
	first := sameToken(t, herd(c, herdSize))
	if n := requests(t, s, "expiry"); n != 1 {
		t.Fatalf("first herd: %d requests, want 1", n)
	}
	// A 2 s lifetime with the skew capped at half: served for 1 s, then expired.
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, ok, err := c.CachedToken()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the token did not expire within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := requests(t, s, "expiry"); n != 1 {
		t.Fatalf("before the second herd: %d requests, want 1", n)
	}
	second := sameToken(t, herd(c, herdSize))
	if second == first {
		t.Fatal("the second herd got the expired token")
	}
	if n := requests(t, s, "expiry"); n != 2 {
		t.Fatalf("after the second herd: %d requests, want 2", n)
	}
	if st := stats(t, c); st.TokenRequests != 2 || st.Fetches != 2 || st.BackgroundRefreshes != 0 {
		t.Fatalf("stats %+v", st)
	}
}

// Required test 3: a wrong secret gives one request and a typed OAuth error.
func TestWrongSecretGivesOneRequestAndTypedError(t *testing.T) {
	const secret = "wrong-secret-do-not-print"
	s := startServer(t, "wrong", "right-secret")
	if err := s.SetLatency(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Basic only: the default, auto, would ask a refused client a second time with the secret in the body.
	c := newClient(t, s, "wrong", secret, map[string]any{"auth_method": "client_secret_basic"})
	res := herd(c, 32)
	for i, r := range res {
		if r.err == nil {
			t.Fatalf("caller %d got a token with a wrong secret", i)
		}
		if !errors.Is(r.err, ooauthcc.ErrOAuth) || errors.Is(r.err, ooauthcc.ErrTimeout) {
			t.Fatalf("caller %d: errors.Is does not say ErrOAuth alone: %v", i, r.err)
		}
		var e *ooauthcc.Error
		if !errors.As(r.err, &e) {
			t.Fatalf("caller %d: not an *ooauthcc.Error: %T", i, r.err)
		}
		if e.Kind() != ooauthcc.ErrOAuth || e.Status != 13 || e.OAuthError != "invalid_client" || e.HTTPStatus != 401 || e.Retryable {
			t.Fatalf("caller %d: %+v", i, *e)
		}
		if strings.Contains(r.err.Error(), secret) || strings.Contains(fmt.Sprintf("%+v", e), secret) {
			t.Fatalf("the error shows the secret: %v", r.err)
		}
		if !strings.HasPrefix(r.err.Error(), "ooauthcc: oauth: ") {
			t.Fatalf("message %q", r.err.Error())
		}
	}
	if n := requests(t, s, "wrong"); n != 1 {
		t.Fatalf("32 callers with a wrong secret made %d requests, want 1", n)
	}
	// The failure is remembered briefly: an immediate retry sends nothing.
	if _, err := c.Token(context.Background()); !errors.Is(err, ooauthcc.ErrOAuth) {
		t.Fatalf("retry: %v", err)
	}
	if n := requests(t, s, "wrong"); n != 1 {
		t.Fatalf("an immediate retry made a request (%d in all)", n)
	}
	if st := stats(t, c); st.Failures != 1 || st.TokenRequests != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// Required test 4: the library's counters, read through the wrapper.
func TestStatsCountHitsAndRequests(t *testing.T) {
	s := startServer(t, "stats", "stats-secret")
	c := newClient(t, s, "stats", "stats-secret", nil)
	if st := stats(t, c); st.TokenRequests != 0 || st.CacheHits != 0 || st.Waits != 0 {
		t.Fatalf("before any call: %+v", st)
	}
	first, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const hits = 10
	for i := 0; i < hits; i++ {
		cctx := context.Background()
		if i%2 == 0 {
			cctx = ctx
		}
		tok, err := c.Token(cctx)
		if err != nil || tok.AccessToken() != first.AccessToken() {
			t.Fatalf("cached call %d: %v", i, err)
		}
	}
	st := stats(t, c)
	if st.TokenRequests != 1 || st.Fetches != 1 || st.Waits != 1 || st.CacheHits != hits || st.Failures != 0 {
		t.Fatalf("after 1 fetch and %d cached calls: %+v", hits, st)
	}
	if st.All["token_requests"] != 1 || st.All["cache_hits"] != hits || len(st.All) < 10 {
		t.Fatalf("Stats.All %v", st.All)
	}
	if n := requests(t, s, "stats"); n != 1 {
		t.Fatalf("server saw %d requests", n)
	}
	// A second client of the same settings shares the entry, and its counters.
	c2 := newClient(t, s, "stats", "stats-secret", nil)
	if tok, err := c2.Token(context.Background()); err != nil || tok.AccessToken() != first.AccessToken() {
		t.Fatalf("second client: %v", err)
	}
	if st := stats(t, c2); st.TokenRequests != 1 || st.CacheHits < hits {
		t.Fatalf("second client's stats %+v", st)
	}
}

// Required test 5: no printed form of a Token shows the access token.
func TestTokenPrintsRedacted(t *testing.T) {
	s := startServer(t, "redact", "redact-secret")
	c := newClient(t, s, "redact", "redact-secret", map[string]any{"scopes": []string{"a", "b"}})
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	secret := tok.AccessToken()
	if len(secret) < 10 {
		t.Fatalf("token too short to test: %d", len(secret))
	}
	type exported struct{ Tok ooauthcc.Token }
	type unexported struct{ tok ooauthcc.Token }
	forms := []string{
		tok.String(), tok.GoString(), fmt.Sprint(tok), fmt.Sprintln(tok), fmt.Sprint(&tok),
		fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%X|%d|%10.3v", tok, tok, tok, tok, tok, tok, tok, tok, tok),
		fmt.Sprintf("%v %+v %#v", exported{tok}, exported{tok}, exported{tok}),
		fmt.Sprintf("%v %+v %#v", unexported{tok}, unexported{tok}, unexported{tok}),
		fmt.Sprintf("%v %+v", []ooauthcc.Token{tok}, map[string]ooauthcc.Token{"k": tok}),
		fmt.Sprintf("%v %+v", &exported{tok}, &unexported{tok}),
	}
	if b, err := json.Marshal(exported{tok}); err == nil {
		forms = append(forms, string(b))
	}
	for _, f := range forms {
		if strings.Contains(f, secret) {
			t.Fatalf("a printed form shows the token: %s", f)
		}
	}
	want := fmt.Sprintf("Token(access_token=<redacted, %d chars>, token_type=\"Bearer\"", len(secret))
	if !strings.HasPrefix(tok.String(), want) || !strings.Contains(tok.String(), `scope="a b"`) {
		t.Fatalf("String() = %s", tok.String())
	}
	if got := fmt.Sprintf("%#v", tok); !strings.HasPrefix(got, "ooauthcc.Token(access_token=<redacted") {
		t.Fatalf("%%#v = %s", got)
	}
	if tok.TokenType() != "Bearer" || tok.Scope() != "a b" || tok.Lifetime() != time.Hour {
		t.Fatalf("fields: %q %q %v", tok.TokenType(), tok.Scope(), tok.Lifetime())
	}
	if d := time.Until(tok.ExpiresAt()); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("ExpiresAt in %v, want about an hour", d)
	}
	var zero ooauthcc.Token
	if !zero.IsZero() || zero.AccessToken() != "" || zero.String() != "Token(<none>)" {
		t.Fatal("zero Token")
	}
}

// Required test 6: use after Close is a clear error, not a crash.
func TestUseAfterCloseIsAnError(t *testing.T) {
	s := startServer(t, "closed", "closed-secret")
	c := newClient(t, s, "closed", "closed-secret", nil)
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil { // twice is harmless
		t.Fatal(err)
	}
	check := func(what string, err error) {
		t.Helper()
		var e *ooauthcc.Error
		if !errors.Is(err, ooauthcc.ErrClosed) || !errors.Is(err, ooauthcc.ErrUsage) || !errors.As(err, &e) {
			t.Fatalf("%s after Close: %v", what, err)
		}
		if !strings.Contains(err.Error(), "closed client") {
			t.Fatalf("%s after Close: unclear message %q", what, err.Error())
		}
	}
	_, err = c.Token(context.Background())
	check("Token", err)
	_, err = c.HeaderValue(context.Background())
	check("HeaderValue", err)
	_, _, err = c.CachedToken()
	check("CachedToken", err)
	_, err = c.Stats()
	check("Stats", err)
	_, err = c.Invalidate(tok.AccessToken())
	check("Invalidate", err)
	check("CheckDestination", c.CheckDestination("http://127.0.0.1/"))
	// Tokens obtained before stay usable.
	if ok, err := s.IsValidToken(tok.AccessToken()); err != nil || !ok {
		t.Fatal("token obtained before Close is no longer valid")
	}
}

// Close while goroutines are calling: every call either works or says closed.
func TestCloseWhileInUse(t *testing.T) {
	s := startServer(t, "closing", "closing-secret")
	c := newClient(t, s, "closing", "closing-secret", nil)
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for {
				cctx := context.Background()
				if i%2 == 0 {
					cctx = ctx
				}
				_, err := c.Token(cctx)
				if errors.Is(err, ooauthcc.ErrClosed) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}(i)
	}
	time.Sleep(50 * time.Millisecond)
	_ = c.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("unexpected error while closing: %v", err)
	}
}

func TestCachedTokenNeverFetches(t *testing.T) {
	s := startServer(t, "cached", "cached-secret")
	c := newClient(t, s, "cached", "cached-secret", nil)
	if _, ok, err := c.CachedToken(); ok || err != nil {
		t.Fatalf("CachedToken on an empty cache: %v %v", ok, err)
	}
	if n := requests(t, s, "cached"); n != 0 {
		t.Fatalf("CachedToken sent %d requests", n)
	}
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cached, ok, err := c.CachedToken()
	if !ok || err != nil || cached.AccessToken() != tok.AccessToken() {
		t.Fatalf("CachedToken after a fetch: %v %v", ok, err)
	}
}

func TestInvalidateIsCompareAndInvalidate(t *testing.T) {
	s := startServer(t, "inval", "inval-secret")
	c := newClient(t, s, "inval", "inval-secret", nil)
	first, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if dropped, err := c.Invalidate(first.AccessToken()); err != nil || !dropped {
		t.Fatalf("Invalidate(current) = %v, %v", dropped, err)
	}
	second, err := c.Token(context.Background())
	if err != nil || second.AccessToken() == first.AccessToken() {
		t.Fatalf("after Invalidate: %v (same token: %v)", err, second.AccessToken() == first.AccessToken())
	}
	// A late report of the old token does not drop the new one.
	if dropped, err := c.Invalidate(first.AccessToken()); err != nil || dropped {
		t.Fatalf("Invalidate(old) = %v, %v", dropped, err)
	}
	third, err := c.Token(context.Background())
	if err != nil || third.AccessToken() != second.AccessToken() {
		t.Fatalf("after a late Invalidate: %v", err)
	}
	if n := requests(t, s, "inval"); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

// A token this wrapper knows but another client of the same settings
// invalidated: the next Token gets the new one, and still honours its context.
func TestInvalidatedByAnotherClient(t *testing.T) {
	s := startServer(t, "shared", "shared-secret")
	c1 := newClient(t, s, "shared", "shared-secret", nil)
	c2 := newClient(t, s, "shared", "shared-secret", nil)
	first, err := c1.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetLatency(400 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if dropped, err := c2.Invalidate(first.AccessToken()); err != nil || !dropped {
		t.Fatalf("c2.Invalidate = %v, %v", dropped, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c1.Token(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("c1.Token with a 60 ms deadline: %v", err)
	}
	if e := time.Since(start); e > 300*time.Millisecond {
		t.Fatalf("the deadline was honoured only after %v", e)
	}
	second, err := c1.Token(context.Background())
	if err != nil || second.AccessToken() == first.AccessToken() {
		t.Fatalf("c1 after c2's invalidation: %v", err)
	}
	if n := requests(t, s, "shared"); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestHeaderValueAndName(t *testing.T) {
	s := startServer(t, "header", "header-secret")
	c := newClient(t, s, "header", "header-secret", nil)
	tok, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.HeaderValue(context.Background())
	if err != nil || v != "Bearer "+tok.AccessToken() || c.HeaderName() != "Authorization" || c.QueryParam() != "" {
		t.Fatalf("HeaderValue: %v, name %q (value correct: %v)", err, c.HeaderName(), v == "Bearer "+tok.AccessToken())
	}
	custom := newClient(t, s, "header", "header-secret", map[string]any{"token_prefix": "Token", "header_name": "X-Api-Auth"})
	v, err = custom.HeaderValue(context.Background())
	if err != nil || !strings.HasPrefix(v, "Token at_") || custom.HeaderName() != "X-Api-Auth" {
		t.Fatalf("custom header: %v, name %q", err, custom.HeaderName())
	}
}

func TestCheckDestination(t *testing.T) {
	s := startServer(t, "dest", "dest-secret")
	c := newClient(t, s, "dest", "dest-secret", map[string]any{"allowed_hosts": []string{"api.example.com"}})
	if err := c.CheckDestination("https://api.example.com/orders"); err != nil {
		t.Fatalf("allowed host: %v", err)
	}
	if err := c.CheckDestination("https://evil.example.org/"); !errors.Is(err, ooauthcc.ErrUsage) {
		t.Fatalf("other host: %v", err)
	}
	if err := c.CheckDestination("not a url"); !errors.Is(err, ooauthcc.ErrInvalidArgument) {
		t.Fatalf("not a URL: %v", err)
	}
}

func TestSettingsErrors(t *testing.T) {
	_, err := ooauthcc.NewClient(map[string]any{"token_url": "http://127.0.0.1:1/token", "client_id": "x",
		"client_secret": "y", "no_such_setting": 1})
	if !errors.Is(err, ooauthcc.ErrConfig) || !strings.Contains(err.Error(), "no_such_setting") {
		t.Fatalf("unknown setting: %v", err)
	}
	_, err = ooauthcc.NewClient(map[string]any{"token_url": "ftp://example.com/token", "client_id": "x", "client_secret": "y"})
	if !errors.Is(err, ooauthcc.ErrConfig) || !strings.Contains(err.Error(), "token_url") {
		t.Fatalf("bad token_url: %v", err)
	}
	if _, err = ooauthcc.NewClientFromJSON([]byte(`{"token_url": `)); !errors.Is(err, ooauthcc.ErrConfig) {
		t.Fatalf("broken JSON: %v", err)
	}
	if _, err = ooauthcc.NewClientFromJSON([]byte("{\"client_id\": \"a\x00b\"}")); !errors.Is(err, ooauthcc.ErrInvalidArgument) {
		t.Fatalf("NUL byte: %v", err)
	}
	if _, err = ooauthcc.NewClient(map[string]any{"token_url": make(chan int)}); !errors.Is(err, ooauthcc.ErrConfig) {
		t.Fatalf("unencodable value: %v", err)
	}
	if ooauthcc.ErrOAuth.String() != "oauth" || ooauthcc.Kind(12345).String() != "unknown" {
		t.Fatalf("kind names: %q %q", ooauthcc.ErrOAuth.String(), ooauthcc.Kind(12345).String())
	}
}

func TestNewClientFromJSON(t *testing.T) {
	s := startServer(t, "json", "json-secret")
	doc := fmt.Sprintf(`{"token_url": %q, "client_id": "json", "client_secret": "json-secret", "scopes": ["x"], "get_timeout": 5}`, s.TokenURL())
	c, err := ooauthcc.NewClientFromJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tok, err := c.Token(context.Background())
	if err != nil || tok.Scope() != "x" {
		t.Fatalf("%v, scope %q", err, tok.Scope())
	}
}

// A time.Duration in the settings map is seconds for the library (not the
// nanoseconds encoding/json would write): get_timeout 300 ms ends the wait.
func TestDurationSettingAndTimeoutError(t *testing.T) {
	s := startServer(t, "slow", "slow-secret")
	if err := s.SetLatency(3 * time.Second); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s, "slow", "slow-secret", map[string]any{"get_timeout": 300 * time.Millisecond})
	start := time.Now()
	_, err := c.Token(context.Background())
	elapsed := time.Since(start)
	var e *ooauthcc.Error
	if !errors.Is(err, ooauthcc.ErrTimeout) || !errors.As(err, &e) || !e.Timeout() || !e.Retryable {
		t.Fatalf("want a timeout error, got %v", err)
	}
	if elapsed < 250*time.Millisecond || elapsed > 2*time.Second {
		t.Fatalf("timed out after %v, want about 300 ms", elapsed)
	}
}

func TestHTTPStatusError(t *testing.T) {
	s := startServer(t, "status", "status-secret")
	if err := s.SetFaultStatus(503, "", 0); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s, "status", "status-secret", map[string]any{"max_retries": 0})
	_, err := c.Token(context.Background())
	var e *ooauthcc.Error
	if !errors.Is(err, ooauthcc.ErrHTTPStatus) || !errors.As(err, &e) || e.HTTPStatus != 503 || !e.Retryable || e.OAuthError != "" {
		t.Fatalf("want an HTTP 503 error, got %v", err)
	}
	if n := requests(t, s, "status"); n != 1 {
		t.Fatalf("%d requests, want 1 (max_retries 0)", n)
	}
}

func TestOAuthErrorDescription(t *testing.T) {
	s := startServer(t, "desc", "desc-secret")
	if err := s.SetFaultOAuthError(400, "invalid_scope", "scope x is not allowed", "https://example.com/e", 0); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s, "desc", "desc-secret", nil)
	_, err := c.Token(context.Background())
	var e *ooauthcc.Error
	if !errors.As(err, &e) || e.Kind() != ooauthcc.ErrOAuth || e.OAuthError != "invalid_scope" ||
		e.OAuthErrorDescription != "scope x is not allowed" || e.OAuthErrorURI != "https://example.com/e" || e.HTTPStatus != 400 {
		t.Fatalf("%v", err)
	}
}
