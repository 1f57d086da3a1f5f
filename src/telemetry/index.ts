// Public barrel of edgeflow/telemetry. Filled in as the module grows; no `export *`.
export {};
