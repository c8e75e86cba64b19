import type { Backbone } from './backbone';
import { DiffusionError } from './errors';
import type { LossWeighting } from './loss-weighting';
import type { Parameterisation } from './parameterisation';
import type { Sampler } from './sampler';
import type { Schedule } from './schedule';
import type { TimeDensity } from './time-density';

/** Anything with a stable name and a contract version. */
export interface Named {
  readonly name: string;
  readonly specificationVersion: string;
}

/** Factories of backbones by name (a backbone needs a config, so the registry holds its factory). */
export interface BackboneFactory {
  readonly name: string;
  readonly specificationVersion: 'v1';
  create(config: Record<string, unknown>): Backbone;
}

/** The kinds of plugin a registry holds. */
export interface RegistryEntries {
  readonly schedules?: readonly Schedule[];
  readonly parameterisations?: readonly Parameterisation[];
  readonly lossWeightings?: readonly LossWeighting[];
  readonly timeDensities?: readonly TimeDensity[];
  readonly samplers?: readonly Sampler[];
  readonly backbones?: readonly BackboneFactory[];
}

/** Lookup by name for one kind of plugin. */
export interface RegistryKind<T extends Named> {
  /** The plugin of that name; throws a DiffusionError listing the registered names otherwise. */
  get(name: string): T;
  /** Whether a plugin of that name is registered. */
  has(name: string): boolean;
  /** Registered names, in registration order. */
  names(): readonly string[];
  /** Registered plugins, in registration order. */
  values(): readonly T[];
}

/** A registry value: one lookup per plugin kind. */
export interface Registry {
  readonly schedules: RegistryKind<Schedule>;
  readonly parameterisations: RegistryKind<Parameterisation>;
  readonly lossWeightings: RegistryKind<LossWeighting>;
  readonly timeDensities: RegistryKind<TimeDensity>;
  readonly samplers: RegistryKind<Sampler>;
  readonly backbones: RegistryKind<BackboneFactory>;
}

const supportedVersions = ['v1'];

function createKind<T extends Named>(kind: string, entries: readonly T[] = []): RegistryKind<T> {
  const byName = new Map<string, T>();
  entries.forEach((entry, index) => {
    const field = `createRegistry.${kind}[${index}]`;
    if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string' || entry.name === '') {
      throw new DiffusionError('invalid-argument', `${field}: got a plugin without a name; expected an object with a non-empty string \`name\`.`, { field, value: entry, allowed: 'a plugin object with a name' });
    }
    if (!supportedVersions.includes(entry.specificationVersion)) {
      throw new DiffusionError('unsupported-version', `${field}.specificationVersion: got ${JSON.stringify(entry.specificationVersion)} for "${entry.name}"; expected one of ${supportedVersions.join(', ')}.`, { field: `${field}.specificationVersion`, value: entry.specificationVersion, allowed: supportedVersions.join(', ') });
    }
    if (byName.has(entry.name)) {
      throw new DiffusionError('duplicate-name', `${field}: a ${kind} plugin named "${entry.name}" is registered twice; names must be unique.`, { field, value: entry.name, allowed: 'a name not yet registered' });
    }
    byName.set(entry.name, entry);
  });
  return {
    get(name) {
      const entry = byName.get(name);
      if (entry === undefined) {
        const known = [...byName.keys()];
        throw new DiffusionError('unknown-name', `${kind}: no plugin named ${JSON.stringify(name)}; registered: ${known.length === 0 ? '(none)' : known.join(', ')}.`, { field: kind, value: name, allowed: known.join(', ') });
      }
      return entry;
    },
    has: (name) => byName.has(name),
    names: () => [...byName.keys()],
    values: () => [...byName.values()],
  };
}

/** Builds a registry value from plugin objects. No global state: every app builds its own. */
export function createRegistry(entries: RegistryEntries = {}): Registry {
  return {
    schedules: createKind('schedules', entries.schedules),
    parameterisations: createKind('parameterisations', entries.parameterisations),
    lossWeightings: createKind('lossWeightings', entries.lossWeightings),
    timeDensities: createKind('timeDensities', entries.timeDensities),
    samplers: createKind('samplers', entries.samplers),
    backbones: createKind('backbones', entries.backbones),
  };
}
