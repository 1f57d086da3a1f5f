#!/usr/bin/env node
// `edgeflow-collector --port 4318 [--host 127.0.0.1] [--static demo-dist]`
import { parseArgs } from 'node:util';
import { startCollector } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4318' },
    host: { type: 'string', default: '127.0.0.1' },
    static: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('Usage: edgeflow-collector [--port 4318] [--host 127.0.0.1] [--static DIR]');
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got "${values.port}".`);
  process.exit(2);
}
try {
  const running = await startCollector({
    port,
    host: values.host,
    ...(values.static ? { staticDir: values.static } : {}),
  });
  console.log(`edgeflow collector listening on ${running.url}`);
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE')
    console.error(`Port ${port} is in use. Pass --port with a free port (or PORT=…).`);
  else console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
