/**
 * The run manifest (`manifest.json`): what created the run, every session that opened it since, and the
 * state of each stage. Stage markers are how a restarted pipeline knows what is finished: a stage marked
 * `done` is skipped whole; one left `running` crashed and resumes from its records. Pure: the shell
 * (run.ts) stamps times and writes the file atomically.
 */
import { MaftError } from '../errors/maft-error.js';

/** `pending`: never started (no marker); `running`: started, not finished (or crashed); `done`: finished. */
export type StageState = 'pending' | 'running' | 'done';

export interface StageMarker {
  state: 'running' | 'done';
  /** ISO time the stage last went to `running`. */
  startedAt: string;
  /** ISO time the stage went to `done`; absent while running. */
  finishedAt?: string;
  /** Anything the stage wants to keep with its state (counts, a trainer job id…); JSON only. */
  details?: Record<string, unknown>;
}

/** One process that opened the run: its creation or a resume. */
export interface RunSession {
  startedAt: string;
  command: readonly string[];
  pid: number;
  maftVersion: string;
  nodeVersion: string;
}

export interface RunManifest {
  /**
   * Version of this file's shape, bumped on incompatible changes. 2: the run was extended (`extensions`), which a
   * maft that reads only format 1 would ignore, misreading the run's L (and rewriting its results with the old
   * one): it refuses the run instead.
   */
  format: 1 | 2;
  maftVersion: string;
  nodeVersion: string;
  createdAt: string;
  /**
   * 2: every stage record carries `producer: {config, stage}` (record-producer.ts), and a record without it
   * is refused. Absent in runs made before stamps: their records are checked by content only.
   */
  recordFormat?: 2;
  /** The command line that created the run. */
  command: readonly string[];
  /** Stage markers by stage name (`iteration-1/debate`), in the order stages first started. */
  stages: Record<string, StageMarker>;
  /** Every opening of the run, oldest first: a resumed run shows each restart here. */
  sessions: RunSession[];
  /**
   * Settings raised on a resume (`maft run --iterations 5` on a run made with 3), oldest first. config.json keeps
   * the config the run was created with, whose fingerprint stamps every record; the run's config is that one with
   * these applied (`extendedConfig`). Absent: never extended.
   */
  extensions?: ConfigExtension[];
}

/** One setting a resume raised: `path` (dotted, e.g. `iterations`) went from `from` to `to`. */
export interface ConfigExtension {
  path: string;
  from: number;
  to: number;
  /** ISO time of the resume that raised it. */
  at: string;
  /** Its command line. */
  command: readonly string[];
}

export function createManifest(session: RunSession): RunManifest {
  return {
    format: 1,
    maftVersion: session.maftVersion,
    nodeVersion: session.nodeVersion,
    createdAt: session.startedAt,
    recordFormat: 2,
    command: session.command,
    stages: {},
    sessions: [session],
  };
}

export function withSession(manifest: RunManifest, session: RunSession): RunManifest {
  return { ...manifest, sessions: [...manifest.sessions, session] };
}

/** The manifest with `extensions` appended (none: the manifest itself). */
export function withExtensions(manifest: RunManifest, extensions: readonly ConfigExtension[]): RunManifest {
  if (extensions.length === 0) return manifest;
  return { ...manifest, format: 2, extensions: [...(manifest.extensions ?? []), ...extensions] };
}

/**
 * A run's config: its stored config.json with the manifest's extensions applied in order (pure; the stored
 * object is not changed). Without extensions, the stored config itself.
 */
export function extendedConfig<C>(stored: C, manifest: Pick<RunManifest, 'extensions'>): C {
  const extensions = manifest.extensions ?? [];
  if (extensions.length === 0) return stored;
  const config = JSON.parse(JSON.stringify(stored)) as C;
  for (const extension of extensions) {
    const keys = extension.path.split('.');
    let object = config as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) {
      const next = object[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) object[key] = {};
      object = object[key] as Record<string, unknown>;
    }
    object[keys[keys.length - 1]!] = extension.to;
  }
  return config;
}

/** The manifest with stage `name` moved to `state`; `details`, when given, replace the stage's details. */
export function withStage(
  manifest: RunManifest,
  name: string,
  state: 'running' | 'done',
  details: Record<string, unknown> | undefined,
  now: string,
): RunManifest {
  const previous = manifest.stages[name];
  const startedAt = state === 'running' || previous === undefined ? now : previous.startedAt;
  const marker: StageMarker = { state, startedAt };
  if (state === 'done') marker.finishedAt = now;
  const kept = details ?? previous?.details;
  if (kept !== undefined) marker.details = kept;
  return { ...manifest, stages: { ...manifest.stages, [name]: marker } };
}

export function stageStateOf(manifest: RunManifest, name: string): StageState {
  return manifest.stages[name]?.state ?? 'pending';
}

/** Check the shape of a parsed `manifest.json` (only maft writes it, so a wrong shape is damage). */
export function parseManifest(value: unknown, file: string): RunManifest {
  const manifest = value as Partial<RunManifest> | null;
  const problem =
    typeof manifest !== 'object' || manifest === null
      ? 'expected a JSON object'
      : manifest.format !== 1 && manifest.format !== 2
        ? `unknown manifest format ${JSON.stringify(manifest.format)} (this maft reads formats 1 and 2)`
        : manifest.recordFormat !== undefined && manifest.recordFormat !== 2
          ? `unknown record format ${JSON.stringify(manifest.recordFormat)} (this maft reads 2)`
          : typeof manifest.stages !== 'object' || manifest.stages === null || !Array.isArray(manifest.sessions)
            ? 'missing stages or sessions'
            : Object.entries(manifest.stages).find(
                  ([, marker]) => marker.state !== 'running' && marker.state !== 'done',
                )
              ? 'a stage marker has an unknown state'
              : manifest.extensions !== undefined && !validExtensions(manifest.extensions)
                ? 'extensions: expected a list of {path, from, to, at, command} with whole numbers from < to'
                : undefined;
  if (problem !== undefined) throw new MaftError('RUN_CORRUPT', problem, { file });
  return manifest as RunManifest;
}

function validExtensions(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.every((item: Partial<ConfigExtension> | null) => {
      if (typeof item !== 'object' || item === null) return false;
      const { path, from, to, at, command } = item;
      return (
        typeof path === 'string' &&
        /^[A-Za-z]\w*(\.[A-Za-z]\w*)*$/.test(path) &&
        Number.isInteger(from) &&
        Number.isInteger(to) &&
        (from as number) < (to as number) &&
        typeof at === 'string' &&
        Array.isArray(command)
      );
    })
  );
}
