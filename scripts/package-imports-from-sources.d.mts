import type { Plugin } from 'vite';
export declare function packageImportsFromSources(options?: { target?: 'node' | 'browser' }): Plugin;
