import assert from 'node:assert/strict';
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { JwtValidator } from '../ir/index.ts';
import { type TestBackend, backend, json, route, startBackend, table } from '../proxy/testing.ts';
import { type ClientResponse, type TestGateway, VERSION_HEADER, send, startGateway } from './testing.ts';

const BASE: Omit<JwtValidator, 'keys'> = {
  alg: 'RS256',
  audience: [],
  issuer: '',
  roles: [],
  rolesKey: ['roles'],
  scopes: [],
  scopesKey: [],
  scopesMatcher: 'any',
  authHeaderName: 'authorization',
  cookieKey: 'access_token',
  propagateClaims: [],
  leewayMs: 1000,
  urlClaims: [],
};

function assertRejected(res: ClientResponse, status: number): void {
  assert.equal(res.status, status);
  assert.equal(res.body, '');
  assert.equal(res.headers['x-krakend'], undefined);
  assert.equal(res.headers['x-krakend-completed'], undefined);
  assert.equal(res.headers['content-type'], undefined);
}

describe('auth/validator: JWT (spec §7.6)', () => {
  let upstream: TestBackend;
  let jwksServer: TestBackend;
  let gw: TestGateway;
  let key: CryptoKey;
  const secret = new TextEncoder().encode('a-secret-of-at-least-32-bytes-long!!');

  const sign = (claims: Record<string, unknown>, options: { key?: CryptoKey | Uint8Array; alg?: string; exp?: number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: 'k1' })
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 60)
      .sign(options.key ?? key);
  const bearer = async (path: string, claims: Record<string, unknown>, headers: Record<string, string> = {}) =>
    send(gw.url, path, { headers: { authorization: `Bearer ${await sign(claims)}`, ...headers } });

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    key = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwksServer = await startBackend(json({ keys: [jwk] }));
    upstream = await startBackend(json({ ok: true }));
    const inline = { kind: 'inline', jwks: { keys: [jwk] } } as const;
    const remote = { kind: 'url', url: `${jwksServer.url}/jwks.json`, cacheMs: 60_000 } as const;
    const oct: JWK = { kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid: 'k1', alg: 'HS256' };
    gw = await startGateway(
      table([
        route({
          path: '/me/{id}',
          inputHeaders: ['x-user'],
          jwt: { ...BASE, keys: inline, roles: ['admin', 'ops'], propagateClaims: [['sub', 'x-user']], urlClaims: ['sub', 'org.name'] },
          backends: [backend({ hosts: [upstream.url], urlPattern: '/users/{JWT.sub}/{id}?org={JWT.org.name}' })],
        }),
        route({ path: '/remote', jwt: { ...BASE, keys: remote, audience: ['api', 'web'], issuer: 'https://idp.test' }, backends: [backend({ hosts: [upstream.url] })] }),
        route({ path: '/scopes', jwt: { ...BASE, keys: inline, scopes: ['read', 'write'], scopesKey: ['scope'], scopesMatcher: 'all' }, backends: [backend({ hosts: [upstream.url] })] }),
        route({ path: '/nested', jwt: { ...BASE, keys: inline, roles: ['admin'], rolesKey: ['realm', 'roles'] }, backends: [backend({ hosts: [upstream.url] })] }),
        route({ path: '/cookie', jwt: { ...BASE, keys: inline, authHeaderName: 'x-auth', cookieKey: 'tok' }, backends: [backend({ hosts: [upstream.url] })] }),
        route({ path: '/lenient', jwt: { ...BASE, keys: inline, leewayMs: 60_000 }, backends: [backend({ hosts: [upstream.url] })] }),
        route({ path: '/hmac', jwt: { ...BASE, alg: 'HS256', keys: { kind: 'inline', jwks: { keys: [oct] } } }, backends: [backend({ hosts: [upstream.url] })] }),
        route({ path: '/missing-file', jwt: { ...BASE, keys: { kind: 'file', path: '/nonexistent/koaxy-jwks.json' } }, backends: [backend({ hosts: [upstream.url] })] }),
      ]),
    );
  });

  after(async () => {
    await gw.close();
    await Promise.all([upstream.close(), jwksServer.close()]);
  });

  it('answers 401 with an empty body and no X-Krakend headers for a missing, malformed, expired or foreign token', async () => {
    const calls = upstream.received.length;
    assertRejected(await send(gw.url, '/me/1'), 401);
    assertRejected(await send(gw.url, '/me/1', { headers: { authorization: 'Bearer not.a.jwt' } }), 401);
    const expired = await sign({ sub: 'alice', roles: ['admin'] }, { exp: Math.floor(Date.now() / 1000) - 30 });
    assertRejected(await send(gw.url, '/me/1', { headers: { authorization: `Bearer ${expired}` } }), 401);
    const foreign = await sign({ sub: 'alice', roles: ['admin'] }, { key: (await generateKeyPair('RS256')).privateKey });
    assertRejected(await send(gw.url, '/me/1', { headers: { authorization: `Bearer ${foreign}` } }), 401);
    const wrongAlg = await sign({ sub: 'alice', roles: ['admin'] }, { key: secret, alg: 'HS256' });
    assertRejected(await send(gw.url, '/me/1', { headers: { authorization: `Bearer ${wrongAlg}` } }), 401);
    assertRejected(await send(gw.url, '/missing-file', { headers: { authorization: `Bearer ${await sign({ sub: 'a' })}` } }), 401);
    assert.equal(upstream.received.length, calls, 'no backend call');
  });

  it('passes a valid token: claims fill {JWT.x} placeholders and propagate_claims overwrites the client header', async () => {
    const res = await bearer('/me/7', { sub: 'alice', roles: ['ops'], org: { name: 'acme' } }, { 'x-user': 'mallory' });
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"ok":true}');
    assert.equal(res.headers['x-krakend'], VERSION_HEADER);
    const seen = upstream.received.at(-1)!;
    assert.equal(seen.url, '/users/alice/7?org=acme');
    assert.equal(seen.headers['x-user'], 'alice');
    assert.equal(seen.headers['authorization'], undefined, 'the token is not forwarded unless listed');
  });

  it('answers 403 with an empty body when no required role is held (any of; nested roles_key)', async () => {
    assertRejected(await bearer('/me/1', { sub: 'bob', roles: ['user'] }), 403);
    assertRejected(await bearer('/me/1', { sub: 'bob' }), 403);
    assert.equal((await bearer('/nested', { realm: { roles: ['admin'] } })).status, 200);
    assertRejected(await bearer('/nested', { roles: ['admin'] }), 403);
  });

  it('checks scopes from a space-separated string or a list with the all matcher', async () => {
    assert.equal((await bearer('/scopes', { scope: 'write read other' })).status, 200);
    assert.equal((await bearer('/scopes', { scope: ['read', 'write'] })).status, 200);
    assertRejected(await bearer('/scopes', { scope: 'read' }), 403);
  });

  it('fetches a remote JWK set once (cached), and requires every audience and the issuer', async () => {
    const ok = { aud: ['web', 'api', 'x'], iss: 'https://idp.test' };
    assert.equal((await bearer('/remote', ok)).status, 200);
    assert.equal((await bearer('/remote', ok)).status, 200);
    assert.equal(jwksServer.received.length, 1);
    assert.equal(jwksServer.received[0]!.url, '/jwks.json');
    assertRejected(await bearer('/remote', { ...ok, aud: 'api' }), 401);
    assertRejected(await bearer('/remote', { ...ok, iss: 'https://other.test' }), 401);
  });

  it('reads the token from a custom header (Bearer prefix optional, any case) or from the cookie', async () => {
    const token = await sign({ sub: 'c' });
    assert.equal((await send(gw.url, '/cookie', { headers: { 'x-auth': token } })).status, 200);
    assert.equal((await send(gw.url, '/cookie', { headers: { 'x-auth': `bearer ${token}` } })).status, 200);
    assert.equal((await send(gw.url, '/cookie', { headers: { cookie: `a=b; tok=${token}` } })).status, 200);
    assertRejected(await send(gw.url, '/cookie', { headers: { authorization: `Bearer ${token}` } }), 401);
  });

  it('accepts an expired token within leeway, and HS256 with an inline oct key', async () => {
    const late = await sign({ sub: 'l' }, { exp: Math.floor(Date.now() / 1000) - 30 });
    assert.equal((await send(gw.url, '/lenient', { headers: { authorization: `Bearer ${late}` } })).status, 200);
    const hmac = await sign({ sub: 'h' }, { key: secret, alg: 'HS256' });
    assert.equal((await send(gw.url, '/hmac', { headers: { authorization: `Bearer ${hmac}` } })).status, 200);
  });
});
