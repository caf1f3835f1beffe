"""Compares the token requests oidc-provider counted per client (server side)
with what tests/c/test_oidc_provider.c printed it expects."""

import json
import sys
import urllib.request

issuer, log = sys.argv[1], sys.argv[2]
with open(log) as f:
    want = dict(kv.split("=") for kv in f.read().split("expect ", 1)[1].split())
with urllib.request.urlopen(issuer + "/__ooauthcc/stats") as r:
    got = json.load(r)["by_client"]
bad = {k: (int(v), got.get(k, 0)) for k, v in want.items() if got.get(k, 0) != int(v)}
if bad:
    sys.exit(f"server-side token request counts differ (want, got): {bad}")
print(f"server-side counts as expected: {want}")
