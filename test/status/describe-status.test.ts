/**
 * describeStatus and formatStatus on the methods' chains side by side: every running stage is named, a stage
 * marked running while no live process holds the run (or marked before its holder took the lock) is
 * `interrupted`, and what comes next is one stage per chain that can run now.
 */
import { describe, expect, it } from 'vitest';
import type { StageMarker } from '../../src/run-store/manifest.js';
import { planRun } from '../../src/run-store/run-plan.js';
import { describeStatus, type RunOwner } from '../../src/status/describe-status.js';
import { formatStatus } from '../../src/status/format-status.js';

const plan = planRun({ methods: ['base', 'majority', 'debate', 'multiagent-ft', 'single-agent-ft'], iterations: 2 });
const earlier = '2026-01-01T10:00:00.000Z';
const lockTaken = '2026-01-01T11:00:00.000Z';
const later = '2026-01-01T11:05:00.000Z';
const done = (at = earlier): StageMarker => ({ state: 'done', startedAt: at, finishedAt: at });
const running = (at: string): StageMarker => ({ state: 'running', startedAt: at });
const baseDone = { 'base/eval': done(), 'base/finetune': done() };

const status = (
  markers: Record<string, StageMarker>,
  owner: RunOwner | null,
  sideBySide = true,
): ReturnType<typeof describeStatus> =>
  describeStatus({
    plan,
    markers,
    recordCount: () => 1,
    problems: { finetune: 4, eval: 4 },
    owner,
    sideBySide,
  });

// Both chains in iteration 1: multiagent FT training while single-agent FT's finetuned model is evaluated.
const twoChains = {
  ...baseDone,
  'multiagent-ft/iteration-1/data': done(),
  'single-agent-ft/iteration-1/data': done(),
  'single-agent-ft/iteration-1/train': done(),
};

describe('describeStatus with the chains side by side', () => {
  it('names every stage a live process runs, and no stage as interrupted', () => {
    const value = status(
      {
        ...twoChains,
        'multiagent-ft/iteration-1/train': running(later),
        'single-agent-ft/iteration-1/eval': running(later),
      },
      { startedAt: lockTaken },
    );
    expect(value.running).toEqual(['multiagent-ft/iteration-1/train', 'single-agent-ft/iteration-1/eval']);
    expect(value.interrupted).toEqual([]);
    expect(value.next).toEqual(['multiagent-ft/iteration-1/train', 'single-agent-ft/iteration-1/eval']);
    expect(value.stages.find((stage) => stage.id === 'single-agent-ft/iteration-1/eval')).toMatchObject({
      state: 'running',
      chain: 'single-agent-ft',
      iteration: 1,
      records: { done: 1, total: 4 },
    });
    expect(value).toMatchObject({ done: 5, total: plan.length, finished: false });
    const text = formatStatus(value, 'run', 'pid 7 is running it');
    expect(text).toContain('5 of 16 stages done · pid 7 is running it');
    expect(text).toContain('running now: multiagent-ft/iteration-1/train, single-agent-ft/iteration-1/eval');
    expect(text).toMatch(/… single-agent-ft\/iteration-1\/eval\s+running\s+1\/4/);
    expect(text).not.toContain('interrupted');
    expect(text).not.toContain('run the same maft run command');
  });

  it('calls both interrupted when no process holds the run, and resumes each chain at its own stage', () => {
    const value = status(
      {
        ...twoChains,
        'multiagent-ft/iteration-1/train': running(later),
        'single-agent-ft/iteration-1/eval': running(later),
      },
      null,
    );
    expect(value.running).toEqual([]);
    expect(value.interrupted).toEqual(['multiagent-ft/iteration-1/train', 'single-agent-ft/iteration-1/eval']);
    expect(value.next).toEqual(['multiagent-ft/iteration-1/train', 'single-agent-ft/iteration-1/eval']);
    expect(value.stages.map((stage) => stage.state)).not.toContain('running');
    const text = formatStatus(value, 'run', null);
    expect(text).toContain('5 of 16 stages done · stopped: no process holds the run');
    expect(text).toMatch(/! multiagent-ft\/iteration-1\/train\s+interrupted/);
    expect(text).toContain(
      'next, one per chain, side by side: multiagent-ft/iteration-1/train, single-agent-ft/iteration-1/eval; 11 stage(s) left — run the same maft run command to continue',
    );
  });

  it('calls a stage marked before the live holder took the lock interrupted: that holder has not restarted it', () => {
    const value = status(
      {
        ...twoChains,
        'multiagent-ft/iteration-1/train': running(earlier),
        'single-agent-ft/iteration-1/eval': running(later),
      },
      { startedAt: lockTaken },
    );
    expect(value.running).toEqual(['single-agent-ft/iteration-1/eval']);
    expect(value.interrupted).toEqual(['multiagent-ft/iteration-1/train']);
    const text = formatStatus(value, 'run', 'pid 7 is running it');
    expect(text).toContain('running now: single-agent-ft/iteration-1/eval');
    expect(text).toMatch(/interrupted \(no process runs it;.*\): multiagent-ft\/iteration-1\/train/);
    expect(text).toContain('next: multiagent-ft/iteration-1/train; 11 stage(s) left\n');
  });

  it('names the next stage of a chain that sits between stages, and drops a finished chain', () => {
    const value = status(
      {
        ...twoChains,
        'multiagent-ft/iteration-1/train': done(),
        'single-agent-ft/iteration-1/eval': done(),
        'single-agent-ft/iteration-2/finetune': done(),
        'single-agent-ft/iteration-2/data': done(),
        'single-agent-ft/iteration-2/train': done(),
        'single-agent-ft/iteration-2/eval': done(),
      },
      null,
    );
    expect(value.next).toEqual(['multiagent-ft/iteration-1/eval']);
    expect(value.interrupted).toEqual([]);
  });

  it('runs the base stages first, one at a time: the chains wait for them', () => {
    expect(status({ 'base/eval': done() }, null).next).toEqual(['base/finetune']);
    expect(status({}, null).next).toEqual(['base/eval']);
  });

  it('one stage at a time (methodChains: sequential): next is the first stage of the plan not done', () => {
    const value = status({ ...twoChains, 'single-agent-ft/iteration-1/eval': running(later) }, null, false);
    expect(value.next).toEqual(['multiagent-ft/iteration-1/train']);
    expect(value.interrupted).toEqual(['single-agent-ft/iteration-1/eval']);
  });

  it('a finished run: nothing running, nothing next', () => {
    const value = status(Object.fromEntries(plan.map((stage) => [stage.id, done()])), null);
    expect(value).toMatchObject({ finished: true, running: [], interrupted: [], next: [], done: 16 });
    const text = formatStatus(value, 'run', null);
    expect(text).toContain('  finished\n');
    expect(text).not.toContain('next');
  });
});
