/**
 * What the models of one server share: the concurrency slots, whether the server has ever answered (which
 * decides between failing fast and retrying a refused connection), and a jitter stream.
 */
import { createRandom, hashString, type Random } from '../../util/random.js';
import { Semaphore } from './semaphore.js';

export interface Endpoint {
  /** The normalised baseURL. */
  readonly url: string;
  readonly slots: Semaphore;
  /** Set once any request to this URL got an HTTP answer, in this process. */
  answered: boolean;
  /**
   * Backoff jitter. Seeded (maft never uses Math.random) and shared by the endpoint's requests, so requests
   * that fail together still draw different delays.
   */
  readonly random: Random;
}

const endpoints = new Map<string, Endpoint>();

/** The shared state of `url`, created on first use; a smaller `concurrency` than before lowers the limit. */
export function endpointFor(url: string, concurrency: number): Endpoint {
  const existing = endpoints.get(url);
  if (existing !== undefined) {
    existing.slots.lowerLimit(concurrency);
    return existing;
  }
  const endpoint: Endpoint = {
    url,
    slots: new Semaphore(concurrency),
    answered: false,
    random: createRandom(hashString(url)),
  };
  endpoints.set(url, endpoint);
  return endpoint;
}
