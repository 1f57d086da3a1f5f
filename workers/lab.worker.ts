/// <reference lib="webworker" />
// The lab worker entry: everything lives in src/lab/worker-api.ts; this file only exposes it, so
// bundlers have one small module to start a worker from.
import { exposeLabWorker } from '../src/lab/worker-api.ts';

exposeLabWorker();
