/**
 * The demo upstream the README's run command starts beside koaxy: a few JSON resources, a
 * missing page (404), a failing one (500) and a file served as is, so every example in
 * `examples/` answers for real. Also used by the end-to-end tests.
 */
import { type Server, createServer } from 'node:http';

const users: Record<string, object> = {
  '1': {
    id: 1,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    password_hash: '$2y$10$not-for-clients',
    address: { street: '12 St James Square', city: 'London', country: 'UK' },
  },
  '2': {
    id: 2,
    name: 'Alan Turing',
    email: 'alan@example.com',
    password_hash: '$2y$10$not-for-clients-either',
    address: { street: 'Hollymeade', city: 'Wilmslow', country: 'UK' },
  },
};

const posts: Record<string, object[]> = {
  '1': [
    { id: 10, title: 'Notes on the Analytical Engine' },
    { id: 11, title: 'Sketch of the Engine' },
  ],
  '2': [{ id: 20, title: 'Computing Machinery and Intelligence' }],
};

const report = 'id,item,amount\n1,engine parts,42\n2,punch cards,7\n';

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Creates the demo upstream's server (not yet listening). */
export function createDemoUpstream(): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (parts[0] === 'users' && parts.length === 2 && users[parts[1]!]) return json(res, 200, users[parts[1]!]);
    if (parts[0] === 'users' && parts[2] === 'posts' && posts[parts[1]!]) return json(res, 200, posts[parts[1]!]);
    if (url.pathname === '/stock') return json(res, 200, { warehouse: { items: [{ sku: 'A-1', count: 3 }], updated: '2026-11-24' } });
    if (url.pathname === '/var') return json(res, 500, { error: 'the var service is down' });
    if (url.pathname === '/report.csv') {
      res.writeHead(200, { 'content-type': 'text/csv', 'set-cookie': ['report=1; Path=/', 'seen=yes; Path=/'] });
      return void res.end(report);
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  });
}

/** Starts the demo upstream on `host:port`. */
export async function startDemoUpstream(host: string, port: number): Promise<Server> {
  const server = createDemoUpstream();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
