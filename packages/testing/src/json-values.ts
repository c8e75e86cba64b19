/**
 * Whether a value is plain JSON data, so that `JSON.parse(JSON.stringify(value))` gives it back
 * unchanged: finite numbers, strings, booleans, null, arrays and plain objects of those (no
 * undefined, Infinity, NaN, functions, dates or other class instances). Returns the path of the
 * first offending part, or undefined.
 */
export function nonJsonPart(value: unknown, path = 'options'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const part = nonJsonPart(value[index], `${path}[${index}]`);
      if (part !== undefined) return part;
    }
    return undefined;
  }
  if (typeof value !== 'object') return path;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return path;
  for (const [key, entry] of Object.entries(value)) {
    const part = nonJsonPart(entry, `${path}.${key}`);
    if (part !== undefined) return part;
  }
  return undefined;
}
