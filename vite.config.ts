import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { packageImportsFromSources } from './scripts/package-imports-from-sources.mjs';
import { serveFiles, stopFileServer } from './test/browser/commands/file-server.ts';
import {
  scriptTelemetrySink,
  setTelemetrySinkDown,
  startTelemetrySink,
  stopTelemetrySink,
  telemetrySinkRequests,
} from './test/browser/commands/telemetry-sink.ts';
import {
  releaseHostLog,
  setReleaseHostFault,
  startReleaseHost,
  stopReleaseHost,
  writeReleaseHostFiles,
} from './test/browser/edge/release-host.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Cross-origin isolation: lets the WASM backend use threads (SharedArrayBuffer). */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The demo and the tests import the package by its public name; during development that name
// resolves to the sources, so the demo can only use what the package exports.
const chromiumPath = findChromium();

const alias = [
  { find: /^edgeflow\/data$/, replacement: here('./src/data/index.ts') },
  { find: /^edgeflow\/registry$/, replacement: here('./src/registry/index.ts') },
  { find: /^edgeflow\/monitor$/, replacement: here('./src/monitor/index.ts') },
  { find: /^edgeflow\/telemetry$/, replacement: here('./src/telemetry/index.ts') },
  { find: /^edgeflow\/edge$/, replacement: here('./src/edge/index.ts') },
  { find: /^edgeflow\/edge\/node$/, replacement: here('./src/edge/node/index.ts') },
  { find: /^edgeflow\/schemas$/, replacement: here('./src/schemas/index.ts') },
  { find: /^edgeflow\/errors$/, replacement: here('./src/errors.ts') },
  { find: /^edgeflow\/release$/, replacement: here('./src/release/index.ts') },
  { find: /^edgeflow\/vite$/, replacement: here('./src/vite/index.ts') },
  { find: /^edgeflow\/worker$/, replacement: here('./workers/lab.worker.ts') },
  { find: /^edgeflow$/, replacement: here('./src/index.ts') },
];

export default defineConfig({
  root: here('./demo'),
  publicDir: false,
  plugins: [packageImportsFromSources()],
  resolve: { alias },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: { outDir: here('./demo-dist'), emptyOutDir: true, target: 'es2022' },
  // Pre-bundle the heavy dependencies up front: discovering them later (inside a worker) makes Vite
  // re-optimise and reload mid-test.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
      // The threaded WASM start-up (src/runtime/wasm-threads.ts) imports these two directly.
      '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
      '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
      'comlink',
      'idb',
      'zod',
      'zod/mini',
      '@opentelemetry/api',
      '@opentelemetry/sdk-metrics',
      '@opentelemetry/resources',
      'fflate',
      'fast-check',
      '@datadog/sketches-js',
      'preact',
      'preact/hooks',
      'preact/jsx-runtime',
      'uplot',
    ],
  },
  test: {
    root: here('.'),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          root: here('.'),
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'collector',
          root: here('.'),
          include: ['collector/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          root: here('.'),
          include: ['test/browser/**/*.test.ts', 'test/browser/**/*.test.tsx'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                ...(chromiumPath ? { executablePath: chromiumPath } : {}),
                args: CHROMIUM_ARGS,
              },
            }),
            instances: [{ browser: 'chromium' }],
            // Node-side helpers browser tests call through `commands` (see test/browser/commands/).
            commands: {
              serveFiles,
              stopFileServer,
              startTelemetrySink,
              telemetrySinkRequests,
              scriptTelemetrySink,
              stopTelemetrySink,
              setTelemetrySinkDown,
              startReleaseHost,
              writeReleaseHostFiles,
              releaseHostLog,
              setReleaseHostFault,
              stopReleaseHost,
            },
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root: here('.'),
          include: ['test/e2e/**/*.test.ts'],
          // Several e2e files share one served demo; files run one after another (one browser each).
          fileParallelism: false,
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
