import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiffusionError } from '@diffusion/core';
import { exports as resolveExports, legacy as resolveLegacy } from 'resolve.exports';
import { samplersOfPlugin, type PluginSampler } from './sampler-plugin';

/** Where a plugin specifier led. */
export interface ResolvedPlugin {
  /** The specifier as given. */
  readonly specifier: string;
  /** How it was found: a package under `node_modules` of the working folder (or above), a path, or a dependency of the app. */
  readonly foundAs: 'package' | 'path' | 'app-dependency';
  /** The module file that is imported (absolute). */
  readonly file: string;
  /** The folder of the plugin's package.json, when it has one. */
  readonly packageDirectory: string | undefined;
  /** `name` and `version` of that package.json. */
  readonly packageName: string | undefined;
  readonly version: string | undefined;
}

/** A loaded plugin: where it came from and its samplers. */
export interface LoadedPlugin extends ResolvedPlugin {
  readonly samplers: readonly PluginSampler[];
}

/** Options of {@link resolvePlugin} and {@link loadSamplerPlugin}. */
export interface PluginLoadOptions {
  /** The folder bare names and relative paths are resolved from; default `process.cwd()`. */
  readonly cwd?: string;
  /** A last resort for bare names: resolve them as a dependency of this module (an app's `import.meta.url`). */
  readonly fallbackFrom?: string;
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly exports?: unknown;
  readonly main?: string;
}

function readPackageJson(directory: string): PackageJson | undefined {
  const file = join(directory, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch (error) {
    throw new DiffusionError('io', `${file}: not valid JSON (${(error as Error).message}).`, { field: file, cause: error });
  }
}

/** The module file a package folder exports at `subpath`, as Node's `import` would pick it (`exports`, else `main`, else index.js). */
function packageEntry(directory: string, manifest: PackageJson, subpath: string, specifier: string): string {
  let target: string | undefined;
  if (manifest.exports !== undefined) {
    try {
      target = resolveExports(manifest as never, subpath, { conditions: ['node', 'import'] })?.[0];
    } catch (error) {
      throw new DiffusionError('invalid-argument', `--plugin ${JSON.stringify(specifier)}: ${join(directory, 'package.json')} exports no ${JSON.stringify(subpath)} for import (${(error as Error).message}).`, { field: 'plugin', value: specifier });
    }
  } else if (subpath === '.') {
    target = resolveLegacy(manifest as never, { fields: ['main'] }) as string | undefined;
  } else {
    target = subpath;
  }
  const file = resolve(directory, target ?? 'index.js');
  if (!existsSync(file)) {
    throw new DiffusionError('invalid-argument', `--plugin ${JSON.stringify(specifier)}: ${join(directory, 'package.json')} points at ${file}, which does not exist (is the plugin built?).`, { field: 'plugin', value: specifier });
  }
  return file;
}

/** Splits `@scope/name/sub` or `name/sub` into the package name and the `./sub` subpath. */
function splitBareName(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const length = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(length).join('/');
  return { name: parts.slice(0, length).join('/'), subpath: rest === '' ? '.' : `./${rest}` };
}

function looksBare(specifier: string): boolean {
  return !specifier.startsWith('.') && !isAbsolute(specifier) && !specifier.startsWith('file:') && /^(@[a-z0-9~._-]+\/)?[a-z0-9~._-]+(\/.*)?$/i.test(specifier);
}

/** Node's lookup of a package from a folder: `node_modules/<name>` there and in every folder above. */
function findPackageFrom(start: string, name: string): string | undefined {
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(directory) === directory) return undefined;
  }
}

function fromDirectory(specifier: string, directory: string, foundAs: ResolvedPlugin['foundAs'], subpath = '.'): ResolvedPlugin {
  const manifest = readPackageJson(directory);
  if (manifest === undefined) {
    const index = join(directory, 'index.js');
    if (!existsSync(index)) throw new DiffusionError('invalid-argument', `--plugin ${JSON.stringify(specifier)}: the folder ${directory} has no package.json (with "exports" or "main") and no index.js.`, { field: 'plugin', value: specifier });
    return { specifier, foundAs, file: index, packageDirectory: undefined, packageName: undefined, version: undefined };
  }
  return { specifier, foundAs, file: packageEntry(directory, manifest, subpath, specifier), packageDirectory: directory, packageName: manifest.name, version: manifest.version };
}

/** The folder of the nearest package.json above a file, if any. */
function enclosingPackage(file: string): string | undefined {
  for (let directory = dirname(file); ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    if (dirname(directory) === directory) return undefined;
  }
}

/**
 * Finds a plugin the way Node finds a module from the working folder: a bare name
 * (`diffusion-sampler-ipndm`, `@scope/pkg/sub`) in `node_modules` of `cwd` or a folder above, its
 * entry from `exports` (conditions `node`, `import`) or `main`; otherwise a path (relative to
 * `cwd`) to a module file or to a folder with a package.json; a bare name not found so is last
 * looked up as a dependency of `fallbackFrom`. Throws a `DiffusionError` saying what was tried.
 */
export function resolvePlugin(specifier: string, options: PluginLoadOptions = {}): ResolvedPlugin {
  if (typeof specifier !== 'string' || specifier.trim() === '') throw new DiffusionError('invalid-argument', `--plugin: got ${JSON.stringify(specifier)}; expected a package name or a path.`, { field: 'plugin', value: specifier });
  const cwd = resolve(options.cwd ?? process.cwd());
  const tried: string[] = [];
  if (looksBare(specifier)) {
    const { name, subpath } = splitBareName(specifier);
    const directory = findPackageFrom(cwd, name);
    if (directory !== undefined) return fromDirectory(specifier, directory, 'package', subpath);
    tried.push(`no package ${JSON.stringify(name)} in node_modules of ${cwd} or a folder above`);
  }
  const path = resolve(cwd, specifier.startsWith('file:') ? new URL(specifier).pathname : specifier);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return fromDirectory(specifier, realpathSync(path), 'path');
    const file = realpathSync(path);
    const owner = enclosingPackage(file);
    const manifest = owner === undefined ? undefined : readPackageJson(owner);
    return { specifier, foundAs: 'path', file, packageDirectory: owner, packageName: manifest?.name, version: manifest?.version };
  }
  tried.push(`no file or folder ${path}`);
  if (looksBare(specifier) && options.fallbackFrom !== undefined) {
    const { name, subpath } = splitBareName(specifier);
    try {
      const manifestFile = createRequire(options.fallbackFrom).resolve(`${name}/package.json`);
      return fromDirectory(specifier, realpathSync(dirname(manifestFile)), 'app-dependency', subpath);
    } catch {
      tried.push('not a dependency of the app either');
    }
  }
  throw new DiffusionError('invalid-argument', `--plugin ${JSON.stringify(specifier)}: cannot find it (${tried.join('; ')}). Install it in the folder you run from (npm install ${specifier}) or give a path to its folder or module file.`, { field: 'plugin', value: specifier, allowed: 'an installed package name, or a path to a plugin folder or file' });
}

/** The folder of the `@tensorflow/tfjs-core` a module at `from` (a folder) would load, if any. */
export function tfjsCoreFrom(from: string): { readonly directory: string; readonly version: string | undefined } | undefined {
  const directory = findPackageFrom(from, '@tensorflow/tfjs-core');
  return directory === undefined ? undefined : { directory, version: readPackageJson(directory)?.version };
}

/** Resolves ({@link resolvePlugin}) and imports a plugin module, and lists its samplers. */
export async function loadSamplerPlugin(specifier: string, options: PluginLoadOptions = {}): Promise<LoadedPlugin> {
  const resolved = resolvePlugin(specifier, options);
  let module: unknown;
  try {
    module = await import(pathToFileURL(resolved.file).href);
  } catch (error) {
    throw new DiffusionError('invalid-argument', `--plugin ${JSON.stringify(specifier)}: importing ${resolved.file} failed: ${(error as Error).message.split('\n')[0]}`, { field: 'plugin', value: specifier, cause: error });
  }
  return { ...resolved, samplers: samplersOfPlugin(module, `--plugin ${JSON.stringify(specifier)} (${resolved.file})`) };
}
