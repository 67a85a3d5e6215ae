/**
 * `npm start`: the demo upstream on 127.0.0.1:8081 and `koaxy standalone` on the bundled
 * examples (data port 8080, status 9900, admin 127.0.0.1:9901). Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDemoUpstream } from './demo-upstream.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const upstream = await startDemoUpstream('127.0.0.1', Number(process.env['DEMO_UPSTREAM_PORT'] ?? 8081));
console.log('demo upstream listening on http://127.0.0.1:8081');
const koaxy = spawn(process.execPath, [`${root}bin/koaxy.js`, 'standalone', '--endpoints', `${root}examples`, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
const stop = (): void => {
  koaxy.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
koaxy.on('exit', (code) => {
  upstream.close();
  process.exit(code ?? 0);
});
