// Compiled (not run) by test.sh with `tsc -p test`: the declarations in
// index.d.ts and testing.d.ts type the documented uses, and refuse misuse.
import { Client, Token, OoauthccError, OAuthError, TimeoutError, Stats, Status, version, statusName, STAT_NAMES } from '../index';
import { TestServer, Fault } from '../testing';

async function main(): Promise<void> {
  const server: TestServer = TestServer.start();
  server.registerClient('svc', 'secret');
  server.setLatencyMs(10);
  server.setFault(Fault.NONE);
  const client = new Client({ token_url: server.tokenUrl, client_id: 'svc', client_secret: 'secret', scopes: ['a'], refresh_ahead: 0.8 });
  const camel = new Client({ tokenUrl: server.tokenUrl, clientId: 'svc', clientSecret: 'secret' });
  const fromJson: Client = Client.fromJSON('{"token_url": "http://127.0.0.1:1/token"}');

  const token: Token = await client.getToken();
  const again: Token = client.getTokenSync({ timeoutMs: 500 });
  const forever: Promise<Token> = client.getToken({ timeoutMs: Infinity });
  const cached: Token | null = client.cachedToken();
  const header: string = `${token.tokenType} ${token.accessToken}`;
  const expires: Date = token.expiresAt;
  const scope: string | null = token.scope;
  const dropped: boolean = client.invalidate(token) || client.invalidate(token.accessToken);
  const stats: Stats = client.stats();
  const requests: number = stats.tokenRequests + stats.cacheHits;
  const count: number = server.requestCount('svc');
  const valid: boolean = server.isValidToken(token);

  try {
    await client.getToken();
  } catch (e) {
    if (e instanceof OAuthError) {
      const code: string | null = e.oauthError;
      const http: number | null = e.httpStatus;
      const description: string | null = e.oauthErrorDescription;
    } else if (e instanceof TimeoutError) {
      const status: number = e.status;
    } else if (e instanceof OoauthccError) {
      const kind: string = e.kind;
      const retry: number | null = e.retryAfterMs;
    }
  }
  const oauthStatus: 13 = Status.OAUTH;
  const v: string = version() + statusName(3) + STAT_NAMES.join();

  // @ts-expect-error settings are an object or a JSON string
  new Client(42);
  // @ts-expect-error timeoutMs is a number
  client.getTokenSync({ timeoutMs: '5' });
  // @ts-expect-error the access token is read-only
  token.accessToken = 'x';
  // @ts-expect-error tokens come from a client
  new Token();
  // @ts-expect-error getToken() returns a promise
  const notAwaited: Token = client.getToken();

  client.close();
  camel.close();
  fromJson.close();
  server.close();
  void [again, forever, cached, header, expires, scope, dropped, requests, count, valid, oauthStatus, v, notAwaited];
}

void main;
