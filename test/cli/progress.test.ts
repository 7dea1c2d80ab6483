import { describe, expect, it } from 'vitest';
import { createProgressReporter, writeProgressLine } from '../../src/cli/progress.js';

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

describe('progress of stages side by side (method chains)', () => {
  it("draws every running stage's bar on the one line, and a log line above them, never inside a bar", () => {
    const terminal = stream(true);
    const first = createProgressReporter('multiagent-ft/iteration-1/eval', terminal.stream);
    const second = createProgressReporter('single-agent-ft/iteration-1/finetune', terminal.stream);
    first.update(at(2, 0));
    second.update(at(4, 0));
    const both = terminal.output.at(-1) ?? '';
    expect(both.startsWith('\r[')).toBe(true);
    expect(both).toContain('multiagent-ft/iteration-1/eval 2/10');
    expect(both).toContain('  |  [');
    expect(both).toContain('single-agent-ft/iteration-1/finetune 4/10');
    writeProgressLine('multiagent-ft iteration 1 agent 0 critic: 4 steps', terminal.stream);
    expect(terminal.output.slice(-2)).toEqual([
      '\r\u001b[Kmultiagent-ft iteration 1 agent 0 critic: 4 steps\n',
      both, // the bars redrawn below the line
    ]);
    first.finish();
    // The finished stage's last bar stays on a line of its own; the running one is redrawn alone.
    const [kept, redrawn] = terminal.output.slice(-2) as [string, string];
    expect(kept.startsWith('\r[') && kept.endsWith('\u001b[K\n')).toBe(true);
    expect(kept).toContain('multiagent-ft/iteration-1/eval 2/10');
    expect(kept).not.toContain('single-agent-ft');
    expect(redrawn.startsWith('\r[') && redrawn.endsWith('\u001b[K')).toBe(true);
    expect(redrawn).toContain('single-agent-ft/iteration-1/finetune 4/10');
    expect(redrawn).not.toContain('multiagent-ft');
    second.finish();
    expect(terminal.output.at(-1)).toBe('\n');
    writeProgressLine('done', terminal.stream);
    expect(terminal.output.at(-1)).toBe('done\n'); // no bar left: a plain line
  });

  it("cuts the bars' line to the terminal's width, so it is redrawn in place", () => {
    const terminal = stream(true);
    (terminal.stream as { columns?: number }).columns = 40;
    const first = createProgressReporter('multiagent-ft/iteration-1/eval', terminal.stream);
    const second = createProgressReporter('single-agent-ft/iteration-1/finetune', terminal.stream);
    first.update(at(2, 0));
    second.update(at(4, 0));
    expect(terminal.output.at(-1)).toBe(`\r[${'#'.repeat(5)}${'.'.repeat(19)}] multiagent-f\u001b[K`);
  });
});
