/**
 * When may a run reuse another run's base-model replies (`maft run --reuse <run>`)? Pure: the two resolved
 * configs and base-model fingerprints in, every reason it may not out, as `--reuse: …` lines (docs/reuse.md).
 *
 * The request cache's key already holds what a request is — model id, messages, sampling and seed — so a reply
 * is reused only for the very same request (a run with another seed, sampling or prompt finds nothing to reuse,
 * and that is not an error). What the key does not hold must be equal between the runs: the model's bytes (its
 * id is its path: the shipped model is retrained in place) and every backend setting that can change a reply
 * (context size, threads, GPU, batched sequences). Only `contexts` may differ: each reply is decoded alone in
 * one of them, bit-exact whichever (docs/architecture.md).
 */
import { describeConfigDifferences, diffConfigs } from '../run-store/config-diff.js';
import type { FileFingerprint } from '../util/file-fingerprint.js';
import type { RunConfig } from './run-config.js';

export interface ReuseSide {
  /** The resolved config (the source run's config.json as stored). */
  config: RunConfig;
  /** The base model's fingerprints: the source run's recorded ones (undefined when it has none), or this run's one. */
  fingerprints: readonly FileFingerprint[] | undefined;
}

/** Backend settings that may differ between the two runs without changing a reply. */
const replyNeutral = new Set(['contexts']);

export function reuseProblems(source: ReuseSide, target: ReuseSide, sourceDirectory: string): string[] {
  const at = `--reuse ${sourceDirectory}`;
  if (target.config.backend.kind !== 'llama-cpp' || source.config.backend.kind !== 'llama-cpp')
    return [
      `${at}: only runs on the embedded llama-cpp backend share replies (this run: ${target.config.backend.kind}, that run: ${source.config.backend.kind}); a server's replies cannot be tied to a model file`,
    ];
  const problems: string[] = [];
  const settings = (config: RunConfig) =>
    Object.fromEntries(Object.entries(config.backend).filter(([key]) => !replyNeutral.has(key)));
  const differences = diffConfigs(settings(source.config), settings(target.config), 'backend');
  const theirs = [...new Set((source.fingerprints ?? []).map((entry) => entry.sha256))];
  const ours = target.fingerprints?.[0]?.sha256;
  const onlyThePath = differences.length === 1 && differences[0]?.path === 'backend.model';
  if (onlyThePath && theirs.length === 1 && theirs[0] === ours)
    return [
      `${at}: its base model is this very file (sha256 ${ours?.slice(0, 12)}…) at another path (${describeConfigDifferences(differences)}); a request's cache key names the model by its path, so no reply could match — run this config where its model path is that run's (e.g. in the same clone)`,
    ];
  if (differences.length > 0)
    problems.push(
      `${at}: its backend differs (${describeConfigDifferences(differences)}); a reply is reused only from the same model with the same settings`,
    );
  if (source.fingerprints === undefined)
    problems.push(
      `${at}: it recorded no fingerprint of its base model (cache/base-model.json; runs made before maft kept one), so its replies cannot be tied to this model file`,
    );
  else if (theirs.length !== 1)
    problems.push(
      `${at}: its base model file changed during that run (${theirs.length} different sha256 in cache/base-model.json); its replies come from more than one model`,
    );
  else if (ours === undefined || theirs[0] !== ours)
    problems.push(
      `${at}: its base model is another file (sha256 ${theirs[0]?.slice(0, 12)}…, this run's ${ours?.slice(0, 12) ?? 'unknown'}…), though the path may be the same`,
    );
  return problems;
}
