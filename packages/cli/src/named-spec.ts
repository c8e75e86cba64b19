import { CliError } from './cli-error';

/** A plugin named with optional JSON options, as `--sampler 'dpmpp-2m{"order":2}'` gives it. */
export interface NamedSpec {
  readonly name: string;
  readonly options: Record<string, unknown>;
}

/**
 * Parses `name` or `name{…JSON object…}` (the syntax of `pnpm compare --samplers`); errors name
 * the flag and what is wrong.
 */
export function parseNamedSpec(flag: string, text: string): NamedSpec {
  const brace = text.indexOf('{');
  const name = (brace < 0 ? text : text.slice(0, brace)).trim();
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) throw new CliError(`${flag}: ${JSON.stringify(text)} does not start with a name (letters, digits and dashes), as in "euler" or 'euler{"sChurn":0.5}'`);
  if (brace < 0) return { name, options: {} };
  let options: unknown;
  try {
    options = JSON.parse(text.slice(brace));
  } catch (error) {
    throw new CliError(`${flag}: the options of "${name}" are not valid JSON (${(error as Error).message}): ${text.slice(brace)}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new CliError(`${flag}: the options of "${name}" must be a JSON object`);
  return { name, options: options as Record<string, unknown> };
}

/** Comma-separated columns: names, or 1-based positions given as digits. */
export function parseColumns(text: string): Array<string | number> {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => (/^\d+$/.test(entry) ? Number(entry) : entry));
}
