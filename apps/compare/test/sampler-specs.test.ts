import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config';
import { samplerCatalogue } from '../src/plugins';
import { chooseSamplers, parseSamplerEntry, parseSamplerList, samplerLabel, splitTopLevel } from '../src/sampler-specs';

describe('sampler entries with options', () => {
  it('splits a list at the commas outside JSON and reads each entry', () => {
    expect(splitTopLevel('lms{"order":3},dpmpp-2m, deis{"variant":"rhoAB","x":[1,2]}')).toEqual(['lms{"order":3}', 'dpmpp-2m', 'deis{"variant":"rhoAB","x":[1,2]}']);
    expect(parseSamplerList('lms{"order":3},euler')).toEqual([{ name: 'lms', options: { order: 3 } }, { name: 'euler' }]);
    expect(samplerLabel(parseSamplerEntry('lms{ "order": 3 }'))).toBe('lms{"order":3}');
    expect(samplerLabel(parseSamplerEntry('lms{}'))).toBe('lms');
  });

  it('names the entry of a bad name or bad JSON', () => {
    expect(() => parseSamplerEntry('Euler')).toThrow(/samplers: "Euler" is not a sampler entry; expected a kebab-case name/);
    expect(() => parseSamplerEntry('lms{order:3}')).toThrow(/samplers: the options of "lms" in "lms\{order:3\}" are not valid JSON/);
  });

  it('accepts strings and { name, options, plugin } records in a config, plugins joining `plugins`', () => {
    const config = parseConfig({ samplers: ['euler', 'lms{"order":2}', { name: 'deis', options: { order: 2 }, plugin: 'diffusion-sampler-deis' }] });
    expect(config.samplers).toEqual(['euler', 'lms{"order":2}', 'deis{"order":2}']);
    expect(config.plugins).toEqual(['diffusion-sampler-deis']);
  });

  it('builds built-ins with options through their factories and records every option after defaults', () => {
    const chosen = chooseSamplers(parseSamplerList('lms{"order":3},lms,heun{"sChurn":1}'), samplerCatalogue([]));
    expect(chosen.map((entry) => entry.label)).toEqual(['lms{"order":3}', 'lms', 'heun{"sChurn":1}']);
    expect(chosen[0]!.sampler.options).toEqual({ order: 3 });
    expect(chosen[0]!.record).toEqual({ label: 'lms{"order":3}', name: 'lms', options: { order: 3 }, plugin: null });
    expect(chosen[2]!.record.options).toEqual({ sChurn: 1, sTmin: 0, sTmax: null, sNoise: 1 });
    expect(() => chooseSamplers(parseSamplerList('lms{"order":99}'), samplerCatalogue([]))).toThrow(/createLmsSampler\.order: got 99/);
    expect(() => chooseSamplers(parseSamplerList('nope'), samplerCatalogue([]))).toThrow(/samplers: unknown name "nope"; known: ddpm, ddim, euler/);
    expect(() => chooseSamplers(parseSamplerList('euler,euler'), samplerCatalogue([]))).toThrow(/samplers: euler is listed twice/);
  });
});
