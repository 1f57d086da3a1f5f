// Public barrel of edgeflow/monitor. Filled in as the module grows; no `export *`.
export {};
