// Public barrel of edgeflow/registry. Filled in as the module grows; no `export *`.
export {};
