/**
 * Test support for the data plane (used only by `*.test.ts`): fluent route-table fixtures with
 * every default applied (like the compiler's output), and real backends on 127.0.0.1:0 that
 * record what they received.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend, Route, RouteTable } from '../ir/index.ts';

/** A backend fixture: pass only what the test cares about. */
export function backend(overrides: Partial<Backend> & { hosts: readonly string[] }): Backend {
  const urlPattern = overrides.urlPattern ?? '/';
  return {
    index: 0,
    urlPattern,
    url: overrides.url ?? parsePattern(urlPattern),
    method: 'GET',
    encoding: 'json',
    isCollection: false,
    target: '',
    allow: [],
    deny: [],
    mapping: [],
    group: '',
    errorPolicy: { kind: 'default' },
    inputHeaders: null,
    inputQueryStrings: null,
    ...overrides,
  };
}

/** Parses `{param}` placeholders of a url pattern the way the compiler does. */
export function parsePattern(pattern: string): Backend['url'] {
  const parts: Backend['url'][number][] = [];
  const q = pattern.indexOf('?');
  const re = /\{([^}]+)\}/g;
  let last = 0;
  for (let m = re.exec(pattern); m !== null; m = re.exec(pattern)) {
    if (m.index > last) parts.push({ kind: 'text', text: pattern.slice(last, m.index) });
    parts.push({ kind: 'param', name: m[1]!, inQuery: q !== -1 && m.index > q });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) parts.push({ kind: 'text', text: pattern.slice(last) });
  return parts;
}

/** A route fixture; backends get their `index` from their position. */
export function route(overrides: Partial<Route> & { path: string; backends: readonly Backend[] }): Route {
  const method = overrides.method ?? 'GET';
  const params = [...overrides.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  return {
    id: `${method} ${overrides.path}`,
    source: { key: 'test/route', generation: 1 },
    method,
    params,
    outputEncoding: 'json',
    timeoutMs: 2000,
    cacheTtlMs: 0,
    concurrentCalls: 1,
    inputHeaders: ['content-type'],
    inputQueryStrings: [],
    strategy: 'parallel',
    ...overrides,
    backends: overrides.backends.map((b, index) => ({ ...b, index })),
  };
}

let tableCounter = 0;

/** A table fixture with a fresh version. */
export function table(routes: readonly Route[]): RouteTable {
  return { version: `test-${++tableCounter}`, routes: [...routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method)) };
}

/** What a test backend saw of one request. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A running test backend. */
export interface TestBackend {
  readonly url: string;
  readonly server: Server;
  /** Every request received, in arrival order. */
  readonly received: Received[];
  close(): Promise<void>;
}

/** Handles one request of a test backend; the body has been read already. */
export type TestHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

/** Starts a backend on 127.0.0.1:0 that records requests and answers with `handler`. */
export async function startBackend(handler: TestHandler): Promise<TestBackend> {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    await handler(req, res, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler answering `status` with a JSON body. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): TestHandler {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

/** A handler answering `status` with a text body, like Go's `http.Error`. */
export function text(body: string, status: number): TestHandler {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(body);
  };
}

/** A gate a test opens to release held backend responses (no sleeping). */
export interface Gate {
  /** Resolves once `count` requests are waiting at the gate. */
  waiting(count: number): Promise<void>;
  /** A promise a handler awaits; resolves when the gate opens. */
  pass(): Promise<void>;
  open(): void;
}

/** Creates a closed gate. */
export function gate(): Gate {
  let opened = false;
  let release: () => void = () => {};
  const openPromise = new Promise<void>((resolve) => (release = resolve));
  let arrived = 0;
  const watchers: { count: number; resolve: () => void }[] = [];
  return {
    waiting(count) {
      if (arrived >= count) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ count, resolve }));
    },
    pass() {
      arrived++;
      for (const w of watchers.filter((w) => arrived >= w.count)) w.resolve();
      return opened ? Promise.resolve() : openPromise;
    },
    open() {
      opened = true;
      release();
    },
  };
}
