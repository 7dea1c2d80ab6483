/**
 * Another run's request cache, read read-only and kept only for one model id (the base model): what `maft run
 * --reuse <run>` answers from before asking the model (docs/reuse.md). Every kept line is checked: its key must
 * be the sha256 of its own request, and its request must be to that model id. The file is read as it is now
 * (the other run may still be writing it): a torn last line is left out, a bad line with good lines after it is
 * damage and refused, naming the file and line. Nothing of the other run is ever written.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { MaftError } from '../errors/maft-error.js';
import { runLayout } from './layout.js';
import { requestKey, type CacheableRequest, type CachedResponse } from './request-cache.js';

export class BorrowedReplies<R> {
  /** The run directory the replies come from. */
  readonly source: string;
  /** The one model id whose replies are kept. */
  readonly modelId: string;
  private readonly replies: ReadonlyMap<string, R>;

  private constructor(source: string, modelId: string, replies: ReadonlyMap<string, R>) {
    this.source = source;
    this.modelId = modelId;
    this.replies = replies;
  }

  /** Read `runDirectory`'s cache, keeping the replies to `modelId` (none when the run has no cache yet). */
  static async load<R>(runDirectory: string, modelId: string): Promise<BorrowedReplies<R>> {
    const file = runLayout(runDirectory).requestCache;
    const replies = new Map<string, R>();
    if (!fs.existsSync(file)) return new BorrowedReplies(runDirectory, modelId, replies);
    const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let lineNumber = 0;
    let bad: { line: number; reason: string } | undefined;
    // A line to the base model names it exactly so (an adapter's id goes on with `+…`): the many adapter lines of a
    // long run are skipped unparsed. Every line kept is still parsed and checked whole.
    const needle = `"modelId":${JSON.stringify(modelId)}`;
    for await (const text of lines) {
      lineNumber++;
      if (text.trim() === '') continue;
      if (bad !== undefined) break; // a bad line followed by another line: not a torn tail
      if (!text.includes(needle) && text.endsWith('}')) continue;
      let entry: CachedResponse<R>;
      try {
        entry = JSON.parse(text) as CachedResponse<R>;
      } catch (error) {
        bad = { line: lineNumber, reason: `invalid JSON (${(error as Error).message})` };
        continue;
      }
      const request = entry.request as CacheableRequest | undefined;
      if (typeof request !== 'object' || request === null || typeof entry.key !== 'string') {
        bad = { line: lineNumber, reason: 'not a cached request (expected key, request, response)' };
        continue;
      }
      if (request.modelId !== modelId) continue;
      if (requestKey(request) !== entry.key) {
        throw new MaftError('RUN_CORRUPT', 'key: not the hash of its request (the line was edited?)', {
          file,
          line: lineNumber,
        });
      }
      if (!replies.has(entry.key)) replies.set(entry.key, entry.response);
    }
    if (bad !== undefined && lineNumber > bad.line)
      throw new MaftError('RUN_CORRUPT', `${bad.reason}; lines after it are intact, so this is not a torn write`, {
        file,
        line: bad.line,
      });
    return new BorrowedReplies(runDirectory, modelId, replies);
  }

  /** Replies kept. */
  get size(): number {
    return this.replies.size;
  }

  /** The other run's reply to exactly this request, if it made it; never one to another model. */
  get(request: CacheableRequest): R | undefined {
    if (request.modelId !== this.modelId) return undefined;
    return this.replies.get(requestKey(request));
  }
}
