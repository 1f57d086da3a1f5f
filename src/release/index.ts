// Public barrel of edgeflow/release: the signed release and channel formats, signing and
// verification (WebCrypto only: no tfjs, no DOM), shared by the edge client, the publishers and the
// collector. Named exports only (no `export *`).
export {};
