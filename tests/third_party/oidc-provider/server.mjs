// Starts oidc-provider (https://github.com/panva/node-oidc-provider), an
// authorization server nobody on this team wrote, on 127.0.0.1 with
// client-credentials clients, so ooauthcc is tested against someone else's
// reading of the RFCs.
//
// Prints the line `READY <issuer>` on stdout once it listens (and, with
// OOAUTHCC_MTLS_DIR, a second line `MTLS <https base url>`, in the same write).
// Counts token requests per client, and registration requests (RFC 7591, at
// /reg, initial access token `oidc-initial-access-token-0123456789`), and
// serves them at GET /__ooauthcc/stats.
// Exits when its stdin closes, so a test harness that dies never leaves it running.
//
// Environment: OOAUTHCC_TOKEN_TTL (seconds, default 3600);
// OOAUTHCC_PKJWT_PUBLIC_KEY: a PEM public key file for the private_key_jwt client;
// OOAUTHCC_MTLS_DIR: the test PKI (core/tests/fixtures/tls). With it, the same
// provider also listens with HTTPS on another port, asks for a client certificate
// (without requiring one, or one the CA issued: oidc-provider decides), and has
// the RFC 8705 clients `cc-tls` (tls_client_auth, for client.pem's subject) and
// `cc-self-signed` (self_signed_tls_client_auth, for selfsigned.pem).
import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import Provider from 'oidc-provider';

const ttl = Number(process.env.OOAUTHCC_TOKEN_TTL || 3600);
const counts = { total: 0, by_client: {} };
const mtlsDir = process.env.OOAUTHCC_MTLS_DIR;
const pem = (name) => readFileSync(`${mtlsDir}/${name}`, 'utf8');
const pemBody = (text) => text.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');

// The initial access token registrations need (RFC 7591 §3): a fixture, known to the tests.
const REGISTRATION_IAT = 'oidc-initial-access-token-0123456789';

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
  ...(mtlsDir ? [{
    client_id: 'cc-tls',
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: new X509Certificate(pem('client.pem')).subject,
  }, {
    client_id: 'cc-self-signed',
    token_endpoint_auth_method: 'self_signed_tls_client_auth',
    jwks: { keys: [{ ...createPublicKey(pem('selfsigned.pem')).export({ format: 'jwk' }), x5c: [pemBody(pem('selfsigned.pem'))] }] },
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

// The peer's certificate on an HTTPS connection (a Node X509Certificate), if it sent one.
function peerCertificate(ctx) {
  return ctx.socket.getPeerX509Certificate?.();
}

const listen = (server) => new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const server = http.createServer();
const tlsServer = mtlsDir ? https.createServer({
  cert: pem('server.pem'),
  key: pem('server.key.pem'),
  ca: pem('ca.pem'),
  requestCert: true,
  rejectUnauthorized: false, // certificateAuthorized below reads socket.authorized
}) : null;
Promise.all([listen(server), ...(tlsServer ? [listen(tlsServer)] : [])]).then(() => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients,
    scopes: ['api:read', 'api:write'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none',
      ...(mtlsDir ? ['tls_client_auth', 'self_signed_tls_client_auth'] : [])],
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
      // RFC 7591 dynamic client registration at /reg, behind an initial access token.
      registration: { enabled: true, initialAccessToken: REGISTRATION_IAT },
      mTLS: {
        enabled: Boolean(mtlsDir),
        tlsClientAuth: true,
        selfSignedTlsClientAuth: true,
        getCertificate: peerCertificate,
        // Issued by the CA in `ca` above: Node verified the chain during the handshake.
        certificateAuthorized: (ctx) => ctx.socket.authorized === true,
        certificateSubjectMatches: (ctx, property, expected) => property === 'tls_client_auth_subject_dn'
          && peerCertificate(ctx)?.subject === expected,
      },
    },
    ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL || ttl },
  });
  const callback = provider.callback();
  const onRequest = (req, res) => {
    if (req.method === 'GET' && req.url === '/__ooauthcc/stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(counts));
      return;
    }
    if (req.method === 'POST' && req.url.startsWith('/reg')) {
      counts.registrations = (counts.registrations || 0) + 1;
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
  };
  server.on('request', onRequest);
  tlsServer?.on('request', onRequest);
  // One write: a reader that stops after the READY line never makes a later write fail.
  const mtls = tlsServer ? `MTLS https://127.0.0.1:${tlsServer.address().port}\n` : '';
  process.stdout.write(`READY ${issuer}\n${mtls}`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
