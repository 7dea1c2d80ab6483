import { MaftError } from '../../src/errors/maft-error.js';

/** The MaftError `run` throws (sync or async); fails the test when it throws nothing or something else. */
export async function caught(run: () => unknown): Promise<MaftError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof MaftError) return error;
    throw error;
  }
  throw new Error('expected a MaftError, but nothing was thrown');
}
