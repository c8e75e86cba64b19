import type { Plugin } from 'vite';

/** Named exports of the Node built-ins that a workspace package imports only on its Node-only paths. */
const stubbedExports: Record<string, readonly string[]> = {
  'node:fs/promises': ['open', 'readdir', 'readFile', 'rename', 'rm'],
  'node:path': ['basename', 'dirname', 'join'],
};

const prefix = '\0playground-node-stub:';

/**
 * `@diffusion/training` reaches `node:fs/promises` and `node:path` only from its checkpoint-file
 * methods (behind a dynamic import the page never calls), but a bundler still resolves that
 * chunk. This plugin gives those imports stubs that throw a clear error if ever called.
 */
export function nodeOnlyStubs(): Plugin {
  return {
    name: 'playground:node-only-stubs',
    enforce: 'pre',
    resolveId(id) {
      return id in stubbedExports ? `${prefix}${id}` : undefined;
    },
    load(id) {
      if (!id.startsWith(prefix)) return undefined;
      const moduleName = id.slice(prefix.length);
      const names = stubbedExports[moduleName] ?? [];
      const body = names.map((name) => `export function ${name}() { throw new Error(${JSON.stringify(`${moduleName}.${name} is not available in the browser (checkpoint files are Node only)`)}); }`);
      return `${body.join('\n')}\nexport default {};\n`;
    },
  };
}
