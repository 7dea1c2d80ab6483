import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';

function stream(isTTY: boolean): { output: string[]; stream: NodeJS.WriteStream } {
  const output: string[] = [];
  return { output, stream: { isTTY, write: (text: string) => output.push(text) } as unknown as NodeJS.WriteStream };
}

const at = (done: number, elapsedMs: number) => ({
  done,
  total: 10,
  resumed: 2,
  completionTokens: done * 100,
  elapsedMs,
});

describe('progress', () => {
  it('redraws one bar with counts, tokens/s and ETA on a terminal', () => {
    const terminal = stream(true);
    const progress = createProgressReporter('debate', terminal.stream);
    progress.update(at(2, 0));
    progress.update(at(6, 4000));
    progress.finish();
    expect(terminal.output[1]).toBe(
      `\r[##############..........] debate 6/10  (2 resumed)  150.0 tok/s  ETA 4s\u001b[K`,
    );
    expect(terminal.output.at(-1)).toBe('\n');
  });

  it('prints plain lines, at most one per interval plus the last, when not a terminal', () => {
    const file = stream(false);
    const progress = createProgressReporter('debate', file.stream, 10_000);
    for (let done = 2; done <= 10; done++) progress.update(at(done, (done - 2) * 2000));
    progress.finish();
    expect(file.output.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(file.output.map((line) => line.split('  ')[0])).toEqual(['debate 2/10', 'debate 7/10', 'debate 10/10']);
  });
});
