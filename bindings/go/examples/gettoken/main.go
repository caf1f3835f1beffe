// Command gettoken gets OAuth 2.0 client-credentials tokens from Go.
//
// It runs against the bundled test server; for a real identity provider,
// set token_url, client_id and client_secret to yours and drop the server.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"time"

	"ooauthcc.example/ooauthcc"
	"ooauthcc.example/ooauthcc/testserver"
)

func main() {
	server, err := testserver.Start() // stands in for your identity provider
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	if err := server.RegisterClient("my-service", "s3cr3t"); err != nil {
		log.Fatal(err)
	}

	client, err := ooauthcc.NewClient(map[string]any{
		"token_url":     server.TokenURL(),
		"client_id":     "my-service",
		"client_secret": "s3cr3t",
		"scopes":        []string{"orders.read"},
		"get_timeout":   10 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i := 1; i <= 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			tok, err := client.Token(ctx)
			if err != nil {
				log.Fatal(err)
			}
			if i == 1 {
				// Printing a Token never shows the access token itself.
				fmt.Printf("goroutine %d: %v\n", i, tok)
			}
		}(i)
	}
	wg.Wait()

	value, err := client.HeaderValue(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("send %s: %s <%d chars>\n", client.HeaderName(), value[:len("Bearer")], len(value)-len("Bearer "))

	stats, err := client.Stats()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("token requests sent: %d (the other calls shared it or were served from the cache)\n", stats.TokenRequests)

	// A wrong secret: a typed error with the OAuth detail, never the secret.
	bad, err := ooauthcc.NewClient(map[string]any{
		"token_url": server.TokenURL(), "client_id": "my-service", "client_secret": "wrong",
		"max_retries": 0,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer bad.Close()
	_, err = bad.Token(ctx)
	var e *ooauthcc.Error
	if errors.Is(err, ooauthcc.ErrOAuth) && errors.As(err, &e) {
		fmt.Printf("wrong secret: kind %s, OAuth error %q, HTTP %d\n", e.Kind().String(), e.OAuthError, e.HTTPStatus)
	} else {
		log.Fatalf("expected an OAuth error, got %v", err)
	}
}
