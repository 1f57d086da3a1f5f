// Public barrel of edgeflow/edge. Filled in as the module grows; no `export *`.
export {};
