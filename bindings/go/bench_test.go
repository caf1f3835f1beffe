package ooauthcc_test

import (
	"context"
	"sync"
	"testing"

	"ooauthcc.example/ooauthcc"
	"ooauthcc.example/ooauthcc/testserver"
)

var (
	benchOnce   sync.Once
	benchServer *testserver.Server
	benchClient *ooauthcc.Client
	sinkString  string
	sinkToken   ooauthcc.Token
)

// benchSetup starts one server and one client, and fetches the token once,
// so that the Token benchmarks measure the cached-token path.
func benchSetup(b *testing.B) *ooauthcc.Client {
	benchOnce.Do(func() {
		s, err := testserver.Start()
		if err != nil {
			b.Fatal(err)
		}
		if err := s.RegisterClient("bench", "bench-secret"); err != nil {
			b.Fatal(err)
		}
		c, err := ooauthcc.NewClient(map[string]any{
			"token_url": s.TokenURL(), "client_id": "bench", "client_secret": "bench-secret",
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Token(context.Background()); err != nil {
			b.Fatal(err)
		}
		benchServer, benchClient = s, c
	})
	if benchClient == nil {
		b.Fatal("setup failed")
	}
	return benchClient
}

// benchCheck fails the benchmark if it was not answered from the cache.
func benchCheck(b *testing.B) {
	b.StopTimer()
	if n, err := benchServer.RequestCount("bench"); err != nil || n != 1 {
		b.Fatalf("the benchmark made token requests: %d, %v", n, err)
	}
}

// The floor: one cgo call returning a C string, copied with C.GoString.
func BenchmarkVersionFloor(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkString = ooauthcc.Version()
	}
}

func BenchmarkTokenCached(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := c.Token(ctx)
		if err != nil {
			b.Fatal(err)
		}
		sinkToken = t
	}
	benchCheck(b)
}

func BenchmarkTokenCachedCancellableCtx(b *testing.B) {
	c := benchSetup(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t, err := c.Token(ctx)
		if err != nil {
			b.Fatal(err)
		}
		sinkToken = t
	}
	benchCheck(b)
}

func BenchmarkHeaderValueCached(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := c.HeaderValue(ctx)
		if err != nil {
			b.Fatal(err)
		}
		sinkString = v
	}
	benchCheck(b)
}

func BenchmarkVersionFloorParallel(b *testing.B) {
	b.RunParallel(func(pb *testing.PB) {
		var s string
		for pb.Next() {
			s = ooauthcc.Version()
		}
		_ = s
	})
}

func BenchmarkTokenCachedParallel(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Token(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	benchCheck(b)
}
