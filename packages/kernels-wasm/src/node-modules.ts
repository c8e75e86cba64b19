/** Whether this runs in Node (the helper threads and the threaded wasm start-up need its modules). */
export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Imports one of Node's modules; a variable specifier keeps browser bundlers from resolving it. */
export const nodeImport = (specifier: string): Promise<any> => import(/* @vite-ignore */ specifier); // eslint-disable-line @typescript-eslint/no-explicit-any
