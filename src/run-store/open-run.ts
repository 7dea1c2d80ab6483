/**
 * Opening a run directory: create it, or resume it. The one rule that makes "restart the same command" safe:
 * a run keeps the config it was created with. A different config would mix records of two experiments in one
 * directory, so it is refused with the paths that differ; equal configs (in any key order) resume. A setting
 * maft gained after the run was created, which the command leaves at its default, is no such change: the run
 * takes it (one line says so), so a run survives an upgrade of maft. And a setting that only adds work after
 * what is done (`iterations`: L) may be raised on a resume: the run is extended, the manifest records it, and
 * config.json with the fingerprint that stamps every record stays as created.
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageVersion } from '../util/package-version.js';
import { MaftError } from '../errors/maft-error.js';
import { readJsonIfExists, removeStaleTemporaries, writeJsonAtomic } from './atomic-file.js';
import { canonicalJson } from './canonical-json.js';
import { describeConfigDifferences, diffConfigs, type ConfigDifference } from './config-diff.js';
import { runLayout } from './layout.js';
import {
  createManifest,
  extendedConfig,
  parseManifest,
  withExtensions,
  withSession,
  type ConfigExtension,
  type RunManifest,
  type RunSession,
} from './manifest.js';
import { acquireLock } from './process-lock.js';
import { Run } from './run.js';
import { assertNoSecrets } from './secrets.js';

export interface OpenRunOptions {
  /** The command line that opens the run (e.g. `process.argv.slice(1)`), kept in the manifest and the lock. */
  command: readonly string[];
  /** Defaults to the version in maft's package.json. */
  maftVersion?: string;
  /** The clock, for tests. */
  now?: () => Date;
  /** Where a line for people goes (a stale lock taken over); default stderr. */
  notify?: (line: string) => void;
  /**
   * Top-level config keys that are settings of a session, not of the run (they change how the work is scheduled,
   * never a result: e.g. `methodChains`): a resume with another value is not "a different config". The stored
   * config keeps the value the run was created with; the opening command uses its own.
   */
  sessionSettings?: readonly string[];
  /**
   * Whether the opening command's config leaves a path unwritten (neither its file nor its flags set it, so its
   * value is maft's default). A setting absent from the stored config too was added to maft after the run was
   * created: the run takes it at that value and one line says so. config.json is left as written (every record
   * carries its fingerprint), and parsing it with the current schema gives the same default. Without this
   * option, or for a path the command did write, a new key is "a different config" like any other.
   */
  unwritten?: (path: string) => boolean;
  /**
   * Dotted paths of whole-number settings a resume may raise (e.g. `iterations`): they only add stages after
   * the run's others, so records already written stay the run's. A raise extends the run (manifest.json
   * `extensions`); a lower value than the run's is still a different config.
   */
  extendable?: readonly string[];
}

/**
 * How a command's resolved config differs from a run's config (pure; `stored`: config.json with the manifest's
 * extensions applied): `changed`, what makes it "a different config"; `added`, the settings maft gained since
 * the run was created that the command leaves at their defaults (`unwritten`); `raised`, extendable settings
 * the command raises. Session settings are none of them.
 */
export function compareConfigs(
  stored: unknown,
  resolved: unknown,
  options: Pick<OpenRunOptions, 'sessionSettings' | 'unwritten' | 'extendable'>,
): { changed: ConfigDifference[]; added: ConfigDifference[]; raised: ConfigDifference[] } {
  const differences = diffConfigs(stored, JSON.parse(canonicalJson(resolved))).filter(
    (difference) => !underSessionSetting(difference.path, options.sessionSettings ?? []),
  );
  const added = differences.filter((difference) => isAddedSetting(difference, options.unwritten));
  const raised = differences.filter((difference) => isRaised(difference, options.extendable ?? []));
  return {
    changed: differences.filter((difference) => !added.includes(difference) && !raised.includes(difference)),
    added,
    raised,
  };
}

/** Whether a difference's path lies under one of `keys` (`key`, `key.x`, `key[0]`). */
function underSessionSetting(path: string, keys: readonly string[]): boolean {
  return keys.some((key) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`));
}

/** Files a run directory can hold before its config exists: leftovers of a creation killed half way. */
const creationLeftovers = /^(lock|lock\.pending-\d+|config\.json\.tmp-\d+-\d+)$/;

/**
 * Create the run directory for `config` (a resolved config: plain JSON, no secrets), or resume the run
 * already there if its stored config is equal. Takes the run's process lock; `run.close()` releases it.
 * Refuses: a config holding secrets (CONFIG_INVALID), a non-empty directory that is not a run
 * (INPUT_INVALID), a different config (RUN_CONFIG_CHANGED), a run another live process holds (RUN_LOCKED).
 */
export function openRun<C>(directory: string, config: C, options: OpenRunOptions): Run<C> {
  const now = options.now ?? (() => new Date());
  // As it will read back from disk: undefined fields gone; NaN and friends refused rather than nulled.
  const resolved = JSON.parse(canonicalJson(config)) as unknown;
  const stored = JSON.parse(JSON.stringify(config)) as C;
  assertNoSecrets(resolved);

  const layout = runLayout(path.resolve(directory));
  prepareDirectory(layout.root, layout.config);
  const lock = acquireLock(layout.lock, options.command, now());
  const notify = options.notify ?? ((line: string) => process.stderr.write(`${line}\n`));
  const stale = lock.takenOverFrom;
  if (stale !== undefined) {
    notify(
      `maft: ${layout.lock}: took over the lock of pid ${stale.pid} (${stale.command.join(' ') || 'unknown command'}, since ${stale.startedAt}), which is no longer running`,
    );
  } else if (lock.replacedUnreadable) {
    notify(`maft: ${layout.lock}: replaced a lock file maft could not read (not written by maft)`);
  }
  try {
    removeStaleTemporaries(layout.root);
    const existing = readJsonIfExists(layout.config);
    const created = existing === undefined;
    // A missing manifest next to a config: the creating process died between the two writes.
    const previousValue = created ? undefined : readJsonIfExists(layout.manifest);
    const previous = previousValue === undefined ? undefined : parseManifest(previousValue, layout.manifest);
    const current = created ? stored : extendedConfig(existing, previous ?? {});
    let extensions: ConfigExtension[] = [];
    if (created) {
      writeJsonAtomic(layout.config, stored);
    } else {
      const { changed, added, raised } = compareConfigs(current, resolved, options);
      if (changed.length > 0) {
        const lowered = changed.filter((difference) => (options.extendable ?? []).includes(difference.path));
        throw new MaftError(
          'RUN_CONFIG_CHANGED',
          `this run was created with a different config: ${describeConfigDifferences(changed)}; ` +
            'use a new run directory, or restore the config the run was created with' +
            (lowered.length > 0
              ? ` (${lowered.map((difference) => difference.path).join(', ')} may be raised on a resume, never lowered)`
              : ''),
          { file: layout.config },
        );
      }
      extensions = raised.map((difference) => ({
        path: difference.path,
        from: difference.before as number,
        to: difference.after as number,
        at: now().toISOString(),
        command: options.command,
      }));
      if (extensions.length > 0) {
        notify(
          `maft: ${layout.root}: run extended: ${describeConfigDifferences(raised)} ` +
            '(recorded in manifest.json; config.json and the records keep the config the run was created with)',
        );
      }
      if (added.length > 0) {
        // config.json stays as written: every record is stamped with its fingerprint (record-producer.ts).
        notify(
          `maft: ${layout.config}: settings maft gained since this run was created take their defaults: ` +
            describeConfigDifferences(added),
        );
      }
    }
    const session: RunSession = {
      startedAt: now().toISOString(),
      command: options.command,
      pid: process.pid,
      maftVersion: options.maftVersion ?? packageVersion(),
      nodeVersion: process.version,
    };
    const manifest: RunManifest = withExtensions(
      previous === undefined ? createManifest(session) : withSession(previous, session),
      extensions,
    );
    writeJsonAtomic(layout.manifest, manifest);
    return new Run<C>({
      layout,
      config: (created ? stored : extendedConfig(existing, manifest)) as C,
      storedConfig: created ? stored : existing,
      created,
      manifest,
      lock,
      now,
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Create the directory, or check that an existing one is a run (or the leftovers of a killed creation). */
function prepareDirectory(root: string, configFile: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      fs.mkdirSync(root, { recursive: true });
      return;
    }
    if (code === 'ENOTDIR') throw new MaftError('INPUT_INVALID', 'the run directory is a file', { file: root });
    throw error;
  }
  if (entries.includes(path.basename(configFile))) return;
  const foreign = entries.filter((name) => !creationLeftovers.test(name));
  if (foreign.length > 0) {
    throw new MaftError(
      'INPUT_INVALID',
      `not a maft run (no config.json) and not empty (${foreign.slice(0, 3).join(', ')}` +
        `${foreign.length > 3 ? ', …' : ''}); choose a new or empty directory`,
      { file: root },
    );
  }
}

/** An extendable setting the command raises above the run's: whole numbers, `after` > `before`. */
function isRaised(difference: ConfigDifference, extendable: readonly string[]): boolean {
  return (
    extendable.includes(difference.path) &&
    Number.isInteger(difference.before) &&
    Number.isInteger(difference.after) &&
    (difference.after as number) > (difference.before as number)
  );
}

/** A key the stored config lacks, that the opening command did not write either: a setting maft gained since. */
function isAddedSetting(difference: ConfigDifference, unwritten: OpenRunOptions['unwritten']): boolean {
  return (
    unwritten !== undefined &&
    difference.before === undefined &&
    difference.after !== undefined &&
    !difference.path.includes('[') &&
    unwritten(difference.path)
  );
}
