'use strict';
// Get OAuth 2.0 client-credentials tokens from Node.js.
// Runs against the bundled test server; for a real identity provider, set
// token_url, client_id and client_secret to yours and drop the server.
const { Client, OoauthccError } = require('ooauthcc');
const { TestServer } = require('ooauthcc/testing'); // stands in for your identity provider

async function main() {
  const server = TestServer.start();
  server.registerClient('my-service', 's3cr3t');

  const client = new Client({
    token_url: server.tokenUrl,
    client_id: 'my-service',
    client_secret: 's3cr3t',
    scopes: ['orders.read'],
  });
  try {
    for (let call = 1; call <= 3; call++) {
      const token = await client.getToken(); // never blocks the event loop
      // Send `Authorization: Bearer ${token.accessToken}`. If the API answers 401,
      // call client.invalidate(token) and get a token again.
      console.log(`call ${call}: a ${token.tokenType} token of ${token.accessToken.length} bytes, ${token}`);
    }
    console.log(`token requests sent: ${client.stats().tokenRequests} (the other calls were served from the cache)`);
  } catch (err) {
    if (!(err instanceof OoauthccError)) throw err;
    console.error(`ooauthcc error ${err.kind}: ${err.message}`);
    process.exitCode = 1;
  } finally {
    client.close();
    server.close();
  }
}

main();
