/*
 * Helpers of tests/c/test_settings_on_wire.c for reading what went over the
 * wire: string checks, base64 (the Basic header), base64url (client
 * assertions) and numbers in compact JSON.
 */
#ifndef OOAUTHCC_TEST_WIRE_HELPERS_H
#define OOAUTHCC_TEST_WIRE_HELPERS_H

#include "common.h"

#define CHECK_STR(got, want)                                                                      \
    do {                                                                                          \
        const char *got_ = (got), *want_ = (want);                                                \
        if (got_ == NULL || strcmp(got_, want_) != 0) {                                           \
            fprintf(stderr, "%s:%d: %s is %s%s%s, expected \"%s\"\n", __FILE__, __LINE__, #got,   \
                    got_ ? "\"" : "", got_ ? got_ : "NULL", got_ ? "\"" : "", want_);             \
            exit(1);                                                                              \
        }                                                                                         \
    } while (0)

/* Standard base64 of `in` into `out` (room for 4/3 of its length + 1). */
static inline void base64(const char *in, char *out) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)in[i] << 16;
        if (i + 1 < n) v |= (unsigned char)in[i + 1] << 8;
        if (i + 2 < n) v |= (unsigned char)in[i + 2];
        out[o++] = abc[(v >> 18) & 63];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? abc[v & 63] : '=';
    }
    out[o] = 0;
}

/* Decodes the base64url text in [in, in + len) into `out` (room for len + 1). */
static inline void base64url_decode(const char *in, size_t len, char *out) {
    unsigned acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-'             ? 62
                : c == '_'             ? 63
                                       : -1;
        CHECK(v >= 0);
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xFF);
        }
    }
    out[o] = 0;
}

/* Part `part` (0: header, 1: claims) of the JWT `jwt`, decoded, into `out` (room for strlen(jwt) + 1). */
static inline void jwt_part(const char *jwt, int part, char *out) {
    const char *start = jwt;
    for (int i = 0; i < part; i++) {
        start = strchr(start, '.');
        CHECK(start != NULL);
        start++;
    }
    const char *end = strchr(start, '.');
    CHECK(end != NULL);
    base64url_decode(start, (size_t)(end - start), out);
}

/* The number after `"name":` in the JSON text `json`. */
static inline long long json_number(const char *json, const char *name) {
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    const char *at = strstr(json, key);
    CHECK(at != NULL);
    return strtoll(at + strlen(key), NULL, 10);
}

/* "Basic " and the base64 of `credentials`, into `out` (256 bytes). */
static inline void basic_header(const char *credentials, char *out) {
    char b64[240];
    CHECK(strlen(credentials) < 160);
    base64(credentials, b64);
    snprintf(out, 256, "Basic %s", b64);
}

#endif
