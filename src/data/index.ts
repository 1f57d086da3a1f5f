// Public barrel of edgeflow/data. Filled in as the module grows; no `export *`.
export {};
