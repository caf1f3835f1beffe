// Package ooauthcc gets OAuth 2.0 client-credentials tokens through
// libooauthcc (the C ABI of the ooauthcc Rust library): tokens are cached,
// renewed ahead of expiry, and concurrent callers asking for the same token
// share ONE request to the token endpoint.
//
// The package is a thin cgo wrapper: every behaviour (caching, single flight,
// retries, renewal, statistics) is the library's. It links -looauthcc only;
// the bundled test server lives in the separate package
// ooauthcc.example/ooauthcc/testserver, which links libooauthcc_testing.
//
// Build with CGO_ENABLED=1 and the library where the linker finds it, e.g.
//
//	export CGO_LDFLAGS="-L$OOAUTHCC_LIB_DIR -Wl,-rpath,$OOAUTHCC_LIB_DIR"
//
// A client is built from the settings of the library's settings table (the
// names of README.md, durations in seconds, or as time.Duration values in
// the map given to NewClient):
//
//	client, err := ooauthcc.NewClient(map[string]any{
//		"token_url":     "https://idp.example.com/oauth2/token",
//		"client_id":     "my-service",
//		"client_secret": secret,
//		"scopes":        []string{"orders.read"},
//		"get_timeout":   10 * time.Second,
//	})
//	if err != nil { ... }
//	defer client.Close()
//	value, err := client.HeaderValue(ctx) // "Bearer <token>"
//
// Errors are *Error values; test their kind with errors.Is(err, ErrOAuth),
// errors.Is(err, ErrTimeout), … and read their detail with errors.As.
//
// Tokens and secrets never appear in an error message or in the printed form
// of a Token. Go strings cannot be wiped, so the Go copies of a token stay in
// memory until the garbage collector reclaims them; the library wipes its own.
package ooauthcc
