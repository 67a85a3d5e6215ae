/**
 * The benchmark's upstream, one Node process: `node scripts/bench/upstream.ts PORT`.
 *   GET /item/{id}  a small JSON object (≈ 300 bytes)
 *   GET /flaky      every other request 500 (text), else a small JSON object
 *   GET /big        64 KiB of octets
 * Prints its URL once listening.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 0);
const item = (id: string): string =>
  JSON.stringify({ id: Number(id) || 0, name: `item ${id}`, price: 12.5, currency: 'EUR', tags: ['a', 'b', 'c'], stock: { warehouse: 'north', count: 42 }, description: 'A small JSON document as a typical microservice answers it.', updated: '2024-01-01T00:00:00Z' });
const flakyOk = JSON.stringify({ status: 'ok', score: 0.5 });
const big = Buffer.alloc(64 * 1024, 'x');
let flaky = 0;

const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/item/')) {
    const body = item(url.slice(6));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } else if (url === '/flaky') {
    if (flaky++ % 2 === 0) {
      res.writeHead(500, { 'content-type': 'text/plain', 'content-length': 5 });
      res.end('oops\n');
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(flakyOk) });
      res.end(flakyOk);
    }
  } else if (url === '/big') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': big.length });
    res.end(big);
  } else {
    res.writeHead(404, { 'content-length': 0 });
    res.end();
  }
});
server.keepAliveTimeout = 120_000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => process.exit(0));
