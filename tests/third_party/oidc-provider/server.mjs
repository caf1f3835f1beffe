// Starts oidc-provider (https://github.com/panva/node-oidc-provider), an
// authorization server nobody on this team wrote, on 127.0.0.1 with
// client-credentials clients, so ooauthcc is tested against someone else's
// reading of the RFCs.
//
// Prints one line `READY <issuer>` on stdout once it listens. Counts token
// requests per client and serves them at GET /__ooauthcc/stats. Exits when its
// stdin closes, so a test harness that dies never leaves it running.
//
// Environment: OOAUTHCC_TOKEN_TTL (seconds, default 3600);
// OOAUTHCC_PKJWT_PUBLIC_KEY: a PEM public key file for the private_key_jwt client.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const ttl = Number(process.env.OOAUTHCC_TOKEN_TTL || 3600);
const counts = { total: 0, by_client: {} };

// Client ids and secrets are test fixtures, known to the tests too.
const clients = [
  { client_id: 'cc-basic', client_secret: 'cc-basic-secret-0123456789', token_endpoint_auth_method: 'client_secret_basic' },
  { client_id: 'cc-post', client_secret: 'cc-post-secret-0123456789', token_endpoint_auth_method: 'client_secret_post' },
  { client_id: 'cc-secret-jwt', client_secret: 'cc-secret-jwt-secret-0123456789abcdef0123456789', token_endpoint_auth_method: 'client_secret_jwt' },
  ...(process.env.OOAUTHCC_PKJWT_PUBLIC_KEY ? [{
    client_id: 'cc-private-key-jwt',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [{ ...createPublicKey(readFileSync(process.env.OOAUTHCC_PKJWT_PUBLIC_KEY)).export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig' }] },
  }] : []),
].map((c) => ({ ...c, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read api:write' }));

function clientIdOf(req, body) {
  const auth = req.headers.authorization || '';
  if (auth.startsWith('Basic ')) {
    const plain = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    return decodeURIComponent(plain.split(':')[0].replace(/\+/g, ' '));
  }
  return new URLSearchParams(body).get('client_id') || '(none)';
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients,
    scopes: ['api:read', 'api:write'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:ooauthcc:default-api',
        useGrantedResource: () => true,
        // `urn:ooauthcc:short-lived` gets 2-second tokens, for expiry tests.
        getResourceServerInfo: (_ctx, resource) => ({
          scope: 'api:read api:write',
          audience: resource,
          accessTokenTTL: resource === 'urn:ooauthcc:short-lived' ? 2 : ttl,
          accessTokenFormat: 'jwt',
        }),
      },
    },
    ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL || ttl },
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.method === 'GET' && req.url === '/__ooauthcc/stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(counts));
      return;
    }
    if (req.method === 'POST' && req.url.startsWith('/token')) {
      // Count on arrival; read a copy of the body to learn the client id.
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const id = clientIdOf(req, Buffer.concat(chunks).toString('utf8'));
        counts.total += 1;
        counts.by_client[id] = (counts.by_client[id] || 0) + 1;
      });
    }
    callback(req, res);
  });
  process.stdout.write(`READY ${issuer}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
