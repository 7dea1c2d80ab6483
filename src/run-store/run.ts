/**
 * An open run: the handle stages use to read and write the run directory, and the only code that does.
 * Obtained from `openRun` (open-run.ts), which holds the run's process lock until `close()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MaftError } from '../errors/maft-error.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic-file.js';
import { JsonlLog, type JsonlLogOptions } from './jsonl-log.js';
import { artifactFile, checkName, stageRecordsFile, type RunLayout } from './layout.js';
import { stageStateOf, withStage, type RunManifest, type StageState } from './manifest.js';
import type { ProcessLock } from './process-lock.js';
import { checkRecordProblem, checkRecordProducer, configFingerprint, type RecordProducer } from './record-producer.js';
import { RequestCache } from './request-cache.js';

/** Options of a stage's records: the log's, and the stage's problems (id → question) when the reader knows them. */
export interface StageLogOptions<T> extends JsonlLogOptions<T> {
  problems?: ReadonlyMap<string, string>;
}

export interface RunParts<C> {
  layout: RunLayout;
  /** The run's config: config.json with the manifest's extensions applied. */
  config: C;
  /** config.json as written when the run was created (its fingerprint stamps the records); default `config`. */
  storedConfig?: unknown;
  created: boolean;
  manifest: RunManifest;
  lock: ProcessLock;
  now: () => Date;
}

export class Run<C> {
  readonly layout: RunLayout;
  /** The run's config: as stored in config.json, with the settings a resume raised (manifest `extensions`). */
  readonly config: C;
  /** True when this opening created the run; false when it resumed one. */
  readonly created: boolean;
  readonly lock: ProcessLock;
  /**
   * config.json's fingerprint: every record this run writes is stamped with it (record-producer.ts). It names the
   * run, so it does not change when a resume extends the run.
   */
  readonly fingerprint: string;
  private currentManifest: RunManifest;
  private readonly now: () => Date;
  private readonly logs = new Map<string, JsonlLog<unknown>>();
  private cache: RequestCache<unknown> | undefined;
  private closed = false;

  constructor(parts: RunParts<C>) {
    this.layout = parts.layout;
    this.config = parts.config;
    this.created = parts.created;
    this.currentManifest = parts.manifest;
    this.lock = parts.lock;
    this.now = parts.now;
    this.fingerprint = configFingerprint(parts.storedConfig ?? parts.config);
  }

  get directory(): string {
    return this.layout.root;
  }

  get manifest(): RunManifest {
    return this.currentManifest;
  }

  stageState(stage: string): StageState {
    return stageStateOf(this.currentManifest, stage);
  }

  /** Persist a stage marker (atomically, before returning). `details` replace the stage's details when given. */
  markStage(stage: string, state: 'running' | 'done', details?: Record<string, unknown>): void {
    this.assertOpen();
    checkName(stage, 'stage');
    const next = withStage(this.currentManifest, stage, state, details, this.now().toISOString());
    writeJsonAtomic(this.layout.manifest, next);
    this.currentManifest = next;
  }

  /** Remove a stage's marker (back to pending): a stage that failed before it did any work leaves no trace. */
  unmarkStage(stage: string): void {
    this.assertOpen();
    if (this.currentManifest.stages[stage] === undefined) return;
    const stages = { ...this.currentManifest.stages };
    delete stages[stage];
    const next = { ...this.currentManifest, stages };
    writeJsonAtomic(this.layout.manifest, next);
    this.currentManifest = next;
  }

  /** Whether a stage has a records file (it may be empty). */
  hasRecords(stage: string): boolean {
    return this.logs.has(stage) || fs.existsSync(stageRecordsFile(this.layout, stage));
  }

  /** Who writes this run's records of `stage` (their `producer` stamp). */
  producer(stage: string): RecordProducer {
    return { config: this.fingerprint, stage };
  }

  /**
   * The append-only records of a stage (`records/<stage>.jsonl`), opened once per run: a second call returns
   * the same log (the first call's options apply), so a later stage can read an earlier one's records.
   * Every line is checked as it is read: its producer stamp (required in format-2 runs), and, given
   * `problems`, that it is one of them; a record that does not belong is refused naming its file and line.
   * Appended records are stamped. Logs are closed by `run.close()`.
   */
  log<T>(stage: string, options: StageLogOptions<T>): JsonlLog<T> {
    this.assertOpen();
    const existing = this.logs.get(stage);
    if (existing !== undefined) return existing as JsonlLog<T>;
    const producer = this.producer(stage);
    const stamped = this.currentManifest.recordFormat === 2;
    const { problems, parse, ...rest } = options;
    const log = JsonlLog.open<T>(stageRecordsFile(this.layout, stage), {
      ...rest,
      ...(stamped ? { stamp: { producer } } : {}),
      parse: (value, where) => {
        checkRecordProducer(value, where, producer, stamped);
        if (problems !== undefined) checkRecordProblem(value, where, problems);
        return parse ? parse(value, where) : (value as T);
      },
    });
    this.logs.set(stage, log as JsonlLog<unknown>);
    return log;
  }

  /** The run's request cache (`cache/requests.jsonl`), opened on first use. */
  requestCache<R>(): RequestCache<R> {
    this.assertOpen();
    this.cache ??= RequestCache.open<unknown>(this.layout.requestCache);
    return this.cache as RequestCache<R>;
  }

  /** Write a whole artifact file atomically (`artifacts/<name>`) and return its path. */
  writeArtifact(name: string, text: string): string {
    this.assertOpen();
    const file = artifactFile(this.layout, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, text);
    return file;
  }

  /** An artifact's text, or `undefined` when it was never written. */
  /** The path of an artifact (its directory created), for writers that produce the file themselves. */
  artifactPath(name: string): string {
    this.assertOpen();
    const file = artifactFile(this.layout, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return file;
  }

  readArtifact(name: string): string | undefined {
    const file = artifactFile(this.layout, name);
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Close every log and release the lock. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const log of this.logs.values()) log.close();
    this.cache?.close();
    this.lock.release();
  }

  private assertOpen(): void {
    if (this.closed) throw new MaftError('INTERNAL', 'the run is closed', { file: this.layout.root });
  }
}
