package ooauthcc_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"
)

// Cancelling one caller's context while the server is slow returns
// ctx.Err() to that caller at once; the shared request goes on, another
// caller gets its token, and the server sees one request in all.
func TestCancelledCallerDoesNotCancelSharedFetch(t *testing.T) {
	s := startServer(t, "cancel", "cancel-secret")
	const latency = 800 * time.Millisecond
	if err := s.SetLatency(latency); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s, "cancel", "cancel-secret", nil)
	goroutines := runtime.NumGoroutine()

	patient := make(chan outcome, 1)
	go func() {
		tok, err := c.Token(context.Background())
		patient <- outcome{tok, err}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	impatient := make(chan error, 1)
	var cancelledAt time.Time
	go func() {
		_, err := c.Token(ctx)
		impatient <- err
	}()
	time.Sleep(150 * time.Millisecond) // both callers are waiting on the one request
	cancelledAt = time.Now()
	cancel()
	select {
	case err := <-impatient:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller got %v, want context.Canceled", err)
		}
		if d := time.Since(cancelledAt); d > 200*time.Millisecond {
			t.Fatalf("cancelled caller returned %v after cancel", d)
		}
	case <-time.After(latency / 2):
		t.Fatal("cancelled caller did not return at once")
	}
	select {
	case <-patient:
		t.Fatal("the other caller returned before the slow server answered")
	default:
	}
	r := <-patient
	if r.err != nil {
		t.Fatalf("the other caller: %v", r.err)
	}
	if n := requests(t, s, "cancel"); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
	// Both callers waited on the one fetch (so the cancelled one did call).
	if st := stats(t, c); st.Waits != 2 || st.Fetches != 1 {
		t.Fatalf("stats %+v", st)
	}
	// The goroutine left waiting for the cancelled caller ends with the fetch
	// (its result handled, its client reference dropped).
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > goroutines; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left, %d before", runtime.NumGoroutine(), goroutines)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The request the cancelled caller gave up on was not lost: it is cached.
	tok, err := c.Token(context.Background())
	if err != nil || tok.AccessToken() != r.tok.AccessToken() {
		t.Fatalf("after: %v", err)
	}
	if n := requests(t, s, "cancel"); n != 1 {
		t.Fatalf("%d requests after, want 1", n)
	}
}

// A context deadline shorter than the fetch: DeadlineExceeded at the deadline.
func TestContextDeadline(t *testing.T) {
	s := startServer(t, "deadline", "deadline-secret")
	if err := s.SetLatency(600 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s, "deadline", "deadline-secret", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.HeaderValue(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Fatalf("returned after %v", d)
	}
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := requests(t, s, "deadline"); n != 1 {
		t.Fatalf("%d requests, want 1", n)
	}
}

// A context already done: no request on an empty cache; the cached token
// is still handed out (the context only bounds waiting).
func TestContextAlreadyDone(t *testing.T) {
	s := startServer(t, "done", "done-secret")
	c := newClient(t, s, "done", "done-secret", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := requests(t, s, "done"); n != 0 {
		t.Fatalf("%d requests, want 0", n)
	}
	if _, err := c.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tok, err := c.Token(ctx); err != nil || tok.IsZero() {
		t.Fatalf("cached token with a done context: %v", err)
	}
}
