import type { Plugin } from 'vite';
export declare function wasmAssetsFromSources(options?: { target?: 'node' | 'browser' }): Plugin;
