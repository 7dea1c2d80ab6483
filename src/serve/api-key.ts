/**
 * API key checks in constant time: both the expected key and the presented one are hashed (SHA-256) and the
 * digests compared with crypto.timingSafeEqual, so neither the key's length nor how many leading characters a
 * guess got right shows in the response time. The key itself is read from an environment variable by the
 * caller and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A checker for `Authorization: Bearer <key>`; undefined key: every request passes. */
export function createKeyCheck(key: string | undefined): (authorization: string | undefined) => boolean {
  if (key === undefined) return () => true;
  const expected = digest(key);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    // Hash something even without a header, so a missing header costs the same as a wrong key.
    const presented = digest(match?.[1]?.trim() ?? '');
    return timingSafeEqual(presented, expected) && match !== null;
  };
}

/** Loopback addresses: the only ones maft serve binds without an API key. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
