package ooauthcc_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"ooauthcc.example/ooauthcc"
	"ooauthcc.example/ooauthcc/testserver"
)

// startServer starts a test server with one client registered.
func startServer(t *testing.T, id, secret string) *testserver.Server {
	t.Helper()
	s, err := testserver.Start()
	if err != nil {
		t.Fatalf("start test server: %v", err)
	}
	t.Cleanup(s.Close)
	if err := s.RegisterClient(id, secret); err != nil {
		t.Fatalf("register client: %v", err)
	}
	return s
}

// newClient builds a client of server s; extra settings override the defaults.
func newClient(t *testing.T, s *testserver.Server, id, secret string, extra map[string]any) *ooauthcc.Client {
	t.Helper()
	settings := map[string]any{
		"token_url":     s.TokenURL(),
		"client_id":     id,
		"client_secret": secret,
		"get_timeout":   20 * time.Second,
	}
	for k, v := range extra {
		settings[k] = v
	}
	c, err := ooauthcc.NewClient(settings)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func requests(t *testing.T, s *testserver.Server, id string) uint64 {
	t.Helper()
	n, err := s.RequestCount(id)
	if err != nil {
		t.Fatalf("RequestCount: %v", err)
	}
	return n
}

func stats(t *testing.T, c *ooauthcc.Client) ooauthcc.Stats {
	t.Helper()
	st, err := c.Stats()
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

type outcome struct {
	tok ooauthcc.Token
	err error
}

// herd calls Token from n goroutines released at once; odd callers use a
// cancellable context (the goroutine-and-select path), even ones Background.
func herd(c *ooauthcc.Client, n int) []outcome {
	out := make([]outcome, n)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-gate
			cctx := context.Background()
			if i%2 == 1 {
				cctx = ctx
			}
			tok, err := c.Token(cctx)
			out[i] = outcome{tok, err}
		}(i)
	}
	close(gate)
	wg.Wait()
	return out
}

// sameToken checks that every caller got a token and the same one; returns it.
func sameToken(t *testing.T, res []outcome) string {
	t.Helper()
	for i, r := range res {
		if r.err != nil {
			t.Fatalf("caller %d: %v", i, r.err)
		}
		if r.tok.AccessToken() != res[0].tok.AccessToken() {
			t.Fatalf("caller %d got another token than caller 0", i)
		}
	}
	if !strings.HasPrefix(res[0].tok.AccessToken(), "at_") {
		t.Fatalf("unexpected token shape (%d chars)", len(res[0].tok.AccessToken()))
	}
	return res[0].tok.AccessToken()
}
