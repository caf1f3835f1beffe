package ooauthcc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"ooauthcc.example/ooauthcc"
)

// A token due for renewal is still served at once, from the calling
// goroutine (a short deadline does not matter), while its renewal runs in the
// background; the renewed token then replaces it. Only the first call waited.
func TestStaleTokenServedWhileRenewing(t *testing.T) {
	s := startServer(t, "stale", "stale-secret")
	if err := s.SetTokenLifetime(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	// Served for 19 s (skew 1 s); due for renewal after 6 % of that: 1.14 s,
	// counted from when the request was sent. The renewal takes 0.5 s, so the
	// renewed token is not yet due itself when it arrives.
	c := newClient(t, s, "stale", "stale-secret",
		map[string]any{"refresh_skew": 1.0, "refresh_ahead": 0.06, "refresh_jitter": 0.0})
	first, err := c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	const latency = 500 * time.Millisecond
	if err := s.SetLatency(latency); err != nil { // the renewal is slow
		t.Fatal(err)
	}
	time.Sleep(1300 * time.Millisecond) // due for renewal now, still served

	start := time.Now()
	for i := 0; i < 10; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		tok, err := c.Token(ctx)
		cancel()
		if err != nil || tok.AccessToken() != first.AccessToken() {
			t.Fatalf("call %d during the renewal: %v (same token: %v)", i, err, tok.AccessToken() == first.AccessToken())
		}
	}
	if d := time.Since(start); d > latency/2 {
		t.Fatalf("10 calls during the renewal took %v", d)
	}
	// The stale token is still the one this wrapper holds: no new copies.
	if allocs := testing.AllocsPerRun(100, func() { _, _ = c.Token(context.Background()) }); allocs != 0 {
		t.Fatalf("a cached Token allocated %v times per call", allocs)
	}
	if st := stats(t, c); st.Waits != 1 || st.CacheHits < 10 {
		t.Fatalf("during the renewal: %+v", st)
	}

	// The renewal ends: the new token is served from then on.
	deadline := time.Now().Add(5 * time.Second)
	for {
		tok, err := c.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken() != first.AccessToken() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the renewed token did not replace the stale one within 5 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := requests(t, s, "stale"); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	if st := stats(t, c); st.Waits != 1 || st.Fetches != 2 || st.BackgroundRefreshes != 1 || st.Failures != 0 {
		t.Fatalf("after the renewal: %+v", st)
	}
}

// The error of a fetch that just failed is returned at once, as the typed
// error, for the failure's hold time (Retry-After 30 s here): no new request,
// no wait, whatever the context.
func TestRememberedFailureReturnedAtOnce(t *testing.T) {
	s := startServer(t, "held", "held-secret")
	if err := s.SetFaultStatus(503, "30", 1); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s, "held", "held-secret", map[string]any{"max_retries": 0})
	check := func(what string, err error) {
		t.Helper()
		var e *ooauthcc.Error
		if !errors.Is(err, ooauthcc.ErrHTTPStatus) || !errors.As(err, &e) || e.HTTPStatus != 503 ||
			!e.Retryable || e.RetryAfter != 30*time.Second {
			t.Fatalf("%s: want the remembered HTTP 503 error, got %v", what, err)
		}
	}
	_, err := c.Token(context.Background())
	check("first call", err)
	// A request sent now would be answered (with a token) after 2 s.
	if err := s.SetLatency(2 * time.Second); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	for i := 0; i < 10; i++ {
		_, err := c.Token(context.Background())
		check("Token(Background)", err)
		_, err = c.Token(ctx)
		check("Token(ctx)", err)
		_, err = c.HeaderValue(ctx)
		check("HeaderValue(ctx)", err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("30 calls answered with the remembered failure took %v", d)
	}
	// A context already done waits for nothing: it gets its own error.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := c.Token(done); !errors.Is(err, context.Canceled) {
		t.Fatalf("done context: %v", err)
	}
	if n := requests(t, s, "held"); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	if st := stats(t, c); st.Failures != 1 || st.Fetches != 1 || st.Waits != 1 {
		t.Fatalf("stats %+v", st)
	}
}
