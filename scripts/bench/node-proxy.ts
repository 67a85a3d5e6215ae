/**
 * The floor of any Node gateway: a bare `node:http` server forwarding to the upstream through an
 * undici Pool (the same client koaxy uses), no routing library, no JSON work, no metrics.
 * `node scripts/bench/node-proxy.ts PORT UPSTREAM`; maps /s1/item/X and /s2/agg/X to /item/X and
 * /s3/big to /big, like the nginx config. Prints its URL once listening.
 */
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';

const port = Number(process.argv[2] ?? 0);
const pool = new Pool(process.argv[3]!, { connections: 256, headersTimeout: 0, bodyTimeout: 0 });

const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
  const url = req.url ?? '/';
  const path = url.startsWith('/s1/item/') ? `/item/${url.slice(9)}` : url.startsWith('/s2/agg/') ? `/item/${url.slice(8)}` : url === '/s3/big' ? '/big' : null;
  if (path === null) {
    res.writeHead(404, { 'content-length': 0 }).end();
    return;
  }
  pool.request({ path, method: 'GET' }).then(
    (up) => {
      const headers: Record<string, string | string[]> = {};
      for (const name in up.headers) if (name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding') headers[name] = up.headers[name]!;
      res.writeHead(up.statusCode, headers);
      pipeline(up.body, res, () => {});
    },
    () => res.writeHead(502, { 'content-length': 0 }).end(),
  );
});
server.listen(port, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
process.on('SIGTERM', () => process.exit(0));
