#!/usr/bin/env node
// Entry point of the `koaxy` command. Node >= 24 runs the TypeScript sources directly.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(`koaxy needs Node.js 24 or newer (this is ${process.version}); run it through npm scripts or npx, which use the project's own Node 24\n`);
  process.exit(1);
}
await import('../src/cli/main.ts');
