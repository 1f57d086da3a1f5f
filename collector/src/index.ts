// Public barrel of edgeflow/collector (Node only).
export { type CollectorOptions, startCollector } from './server.ts';
