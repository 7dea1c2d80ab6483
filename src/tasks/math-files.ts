import path from 'node:path';
import type { Problem } from '../spec/problem.js';
import { listDirectory, pathKind, readTextFile } from './files.js';
import { assertUniqueIds, invalidInput, nonBlankLines, parseJsonObject, type SourceLocation } from './input.js';
import { filterMathProblems, parseMathRecord, type MathOptions } from './math.js';
import type { Task } from './task.js';

/**
 * The I/O half of the MATH task: a JSONL file, or the original release's tree `MATH/<split>/<subject>/<n>.json`
 * given as the split directory (`MATH/test`) or one subject directory (`MATH/test/algebra`). Both layouts give
 * the same problems and ids (`test/algebra/1.json`), so a run does not depend on how the data was obtained.
 */

interface Located {
  problem: Problem;
  location: SourceLocation;
}

/** Every record of a MATH JSONL text (pure). Records without `unique_id` get `<file name>/<line>`. */
export function parseMathJsonl(text: string, file: string): Located[] {
  const stem = path.basename(file, '.jsonl');
  return nonBlankLines(text).map(({ line, text: lineText }) => {
    const location = { file, line };
    return { problem: parseMathRecord(parseJsonObject(lineText, location), location, `${stem}/${line}`), location };
  });
}

const readBatch = 64;

/** One subject directory: its `*.json` files in numeric order; id `<split>/<subject>/<n>.json`. */
async function readSubjectDirectory(directory: string): Promise<Located[]> {
  const subjectName = path.basename(directory);
  const split = path.basename(path.dirname(path.resolve(directory)));
  const entries = await listDirectory(directory);
  const files = entries.filter((entry) => entry.kind === 'file' && entry.name.endsWith('.json'));
  const texts: string[] = [];
  // Read in batches: concurrent enough to be quick, few enough open files to stay under any ulimit.
  for (let start = 0; start < files.length; start += readBatch) {
    const batch = files.slice(start, start + readBatch);
    texts.push(...(await Promise.all(batch.map((entry) => readTextFile(path.join(directory, entry.name))))));
  }
  return files.map((entry, index) => {
    const location = { file: path.join(directory, entry.name) };
    const record = parseJsonObject(texts[index] ?? '', location);
    const fallbackId = `${split}/${subjectName}/${entry.name}`;
    return { problem: parseMathRecord(record, location, fallbackId, subjectName), location };
  });
}

/** A split directory holds subject directories; a subject directory holds `<n>.json` files. */
async function readTree(directory: string): Promise<Located[]> {
  const entries = await listDirectory(directory);
  if (entries.some((entry) => entry.kind === 'file' && entry.name.endsWith('.json'))) {
    return readSubjectDirectory(directory);
  }
  const subjects = entries.filter((entry) => entry.kind === 'directory');
  if (subjects.length === 0) {
    throw invalidInput({ file: directory }, undefined, 'holds neither <n>.json files nor subject directories');
  }
  const located: Located[] = [];
  for (const subject of subjects) {
    const subjectDirectory = path.join(directory, subject.name);
    const inner = await listDirectory(subjectDirectory);
    if (inner.some((entry) => entry.kind === 'directory') && !inner.some((entry) => entry.name.endsWith('.json'))) {
      throw invalidInput(
        { file: directory },
        undefined,
        'looks like the MATH root; point at one split directory (e.g. MATH/test) or a JSONL file',
      );
    }
    located.push(...(await readSubjectDirectory(subjectDirectory)));
  }
  return located;
}

/** Load, check ids, then filter by level and subject (the filter applies to both layouts alike). */
export async function loadMath(options: MathOptions): Promise<Task> {
  const located =
    (await pathKind(options.path)) === 'directory'
      ? await readTree(options.path)
      : parseMathJsonl(await readTextFile(options.path), options.path);
  assertUniqueIds(located.map(({ problem, location }) => ({ id: problem.id, location })));
  const problems = filterMathProblems(
    located.map((item) => item.problem),
    { levels: options.levels, subjects: options.subjects },
  );
  return { name: 'math', answerType: 'math', problems };
}
