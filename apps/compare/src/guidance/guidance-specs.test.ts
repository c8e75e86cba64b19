import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../config';
import { guidanceLabel, parseGuidanceEntry } from './guidance-specs';

describe('--guidance entries', () => {
  it('reads a guider, its scales and its JSON options, and writes the same label back', () => {
    expect(parseGuidanceEntry('cfg:1,2,4')).toEqual({ name: 'cfg', scales: [1, 2, 4] });
    const apg = parseGuidanceEntry('apg:1, 2.5 ,4{"eta":0,"momentum":-0.5}');
    expect(apg).toEqual({ name: 'apg', scales: [1, 2.5, 4], options: { eta: 0, momentum: -0.5 } });
    expect(parseGuidanceEntry(guidanceLabel(apg))).toEqual(apg);
  });

  it('refuses unknown guiders, missing, negative, NaN and repeated scales, and options the guider refuses, naming the flag', () => {
    const cases: Array<[string, RegExp]> = [
      ['cfg', /--guidance: "cfg" is not a guidance entry/],
      ['cfg:', /guidance scale NaN/],
      ['cfg:1,,2', /guidance scale NaN/],
      ['cfg:-1', /guidance scale -1 .*finite numbers >= 0/],
      ['cfg:NaN', /guidance scale NaN/],
      ['cfg:1,1', /listed twice/],
      ['nope:1', /unknown guider "nope" in "nope:1"; known: cfg, cfg-rescale, guidance-interval, apg/],
      ['apg:2{"eta":}', /not valid JSON/],
      ['apg:2{"guidanceScale":3}', /after the colon/],
      ['cfg-rescale:2{"guidanceRescale":1.5}', /guidanceRescale/],
      ['guidance-interval:2{"sigmaLow":5,"sigmaHigh":1}', /sigma/],
    ];
    for (const [entry, pattern] of cases) {
      expect(() => parseGuidanceEntry(entry), entry).toThrow(ConfigError);
      expect(() => parseGuidanceEntry(entry), entry).toThrow(pattern);
    }
  });

  it('takes config-file records and strings alike, and pUncond only with guidance', () => {
    const config = parseConfig({ guidance: ['cfg:1,2', { name: 'apg', scales: [2, 4], options: { eta: 0 } }], pUncond: 0.2 });
    expect(config.guidance).toEqual(['cfg:1,2', 'apg:2,4{"eta":0}']);
    expect(config.pUncond).toBe(0.2);
    expect(parseConfig({}).guidance).toBeUndefined();
    expect(() => parseConfig({ pUncond: 0.2 })).toThrow(/pUncond: label dropout only applies with --guidance/);
    expect(() => parseConfig({ guidance: ['cfg:1'], pUncond: 1 })).toThrow(/pUncond/);
    expect(() => parseConfig({ guidance: ['cfg:1', 'cfg:1'] })).toThrow(/listed twice/);
  });
});
