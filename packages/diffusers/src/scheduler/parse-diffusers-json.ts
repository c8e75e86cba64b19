import { DiffusionError } from '@diffusion/core';

/**
 * Parses the JSON diffusers writes: Python's `json` also writes the tokens `NaN`, `Infinity` and
 * `-Infinity` (e.g. DPM-Solver's `lambda_min_clipped`), which `JSON.parse` refuses. Errors name
 * the file and the line and column.
 */
export function parseDiffusersJson(text: string, file: string): unknown {
  const tokens: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
  const marker = '"__diffusers_number__:';
  // Replace the bare tokens outside strings by marked strings, then revive them.
  let rewritten = '';
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (inString) {
      rewritten += character;
      if (character === '\\') rewritten += text[++index] ?? '';
      else if (character === '"') inString = false;
      continue;
    }
    if (character === '"') {
      inString = true;
      rewritten += character;
      continue;
    }
    const token = Object.keys(tokens).find((name) => text.startsWith(name, index) && !/[A-Za-z0-9_]/.test(text[index + name.length] ?? ''));
    if (token !== undefined && !(token === 'Infinity' && text[index - 1] === '-')) {
      rewritten += `${marker}${token}"`;
      index += token.length - 1;
    } else rewritten += character;
  }
  try {
    return JSON.parse(rewritten, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(marker.slice(1)) ? tokens[value.slice(marker.length - 1)] : value));
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const place = Number.isNaN(position) ? '' : (() => {
      const before = text.slice(0, Math.min(position, text.length));
      const line = before.split('\n').length;
      return ` at line ${line}, column ${position - before.lastIndexOf('\n')}`;
    })();
    throw new DiffusionError('io', `${file}: not valid JSON${place} (${message}).`, { field: file, value: undefined, allowed: 'a JSON object', cause: error });
  }
}
