/**
 * The chain runner of `maft run` (pipeline/method-chains.ts) with chains whose stages the test releases one by one
 * (no timing): the chains really run at once, a failure lets the other chain's running stage finish and starts
 * nothing after it, the error thrown is the first failed chain's in chain order; and the default of methodChains.
 */
import { describe, expect, it } from 'vitest';
import { chainsSideBySide, runChainsSideBySide, type ChainStep } from '../../src/pipeline/method-chains.js';
import { runConfigSchema } from '../../src/config/run-config.js';

/** A stage that starts (logged), then waits until the test releases it (or fails it). */
function gate(name: string, log: string[]) {
  let release: () => void = () => {};
  let fail: (error: Error) => void = () => {};
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const step: ChainStep = () =>
    new Promise<void>((resolve, reject) => {
      log.push(`${name} started`);
      release = () => {
        log.push(`${name} done`);
        resolve();
      };
      fail = (error) => {
        log.push(`${name} failed`);
        reject(error);
      };
      markStarted();
    });
  return { step, started, release: () => release(), fail: (error: Error) => fail(error) };
}

describe('runChainsSideBySide', () => {
  it("runs every chain's stages in order and the chains at once", async () => {
    const log: string[] = [];
    const a1 = gate('a1', log);
    const a2 = gate('a2', log);
    const b1 = gate('b1', log);
    const running = runChainsSideBySide([[a1.step, a2.step], [b1.step]]);
    await Promise.all([a1.started, b1.started]); // both chains' first stages run before either ends
    b1.release();
    a1.release();
    await a2.started;
    a2.release();
    await running;
    expect(log).toEqual(['a1 started', 'b1 started', 'b1 done', 'a1 done', 'a2 started', 'a2 done']);
  });

  it("on a failure, lets the other chain's running stage finish, starts nothing after it, then throws", async () => {
    const log: string[] = [];
    const a1 = gate('a1', log);
    const a2 = gate('a2', log);
    const b1 = gate('b1', log);
    const b2 = gate('b2', log);
    const running = runChainsSideBySide([
      [a1.step, a2.step],
      [b1.step, b2.step],
    ]);
    await Promise.all([a1.started, b1.started]);
    b1.fail(new Error('b1 broke'));
    await Promise.resolve();
    a1.release(); // the running stage of the other chain still finishes (and would be recorded)
    await expect(running).rejects.toThrow('b1 broke');
    expect(log).toEqual(['a1 started', 'b1 started', 'b1 failed', 'a1 done']); // a2 and b2 never started
  });

  it('throws the first failed chain in chain order, whichever failed first in time', async () => {
    const log: string[] = [];
    const a1 = gate('a1', log);
    const b1 = gate('b1', log);
    const running = runChainsSideBySide([[a1.step], [b1.step]]);
    await Promise.all([a1.started, b1.started]);
    b1.fail(new Error('second chain'));
    a1.fail(new Error('first chain'));
    await expect(running).rejects.toThrow('first chain');
  });
});

describe('methodChains', () => {
  const config = (input: Record<string, unknown>) =>
    runConfigSchema.parse({ task: { name: 'arithmetic' }, backend: { kind: 'llama-cpp', model: 'm.gguf' }, ...input });

  it('defaults to side by side when every local worker has one thread, else one stage at a time', () => {
    expect(chainsSideBySide(config({}))).toBe(true);
    expect(chainsSideBySide(config({ backend: { kind: 'llama-cpp', model: 'm.gguf', threads: 2 } }))).toBe(false);
    expect(chainsSideBySide(config({ trainer: { kind: 'embedded', threads: 2 } }))).toBe(false);
  });

  it('is what the config says when given', () => {
    expect(chainsSideBySide(config({ methodChains: 'sequential' }))).toBe(false);
    expect(
      chainsSideBySide(
        config({ methodChains: 'parallel', backend: { kind: 'llama-cpp', model: 'm.gguf', threads: 2 } }),
      ),
    ).toBe(true);
  });
});
