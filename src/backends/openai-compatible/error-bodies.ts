/**
 * A fetch wrapper that keeps the body text of error responses. The SDK turns an error response into an
 * APIError that keeps only the body's `error` field, so vLLM's top-level `{"message": …}` (e.g. "maximum
 * context length is 4096 tokens") and plain-text error pages would be lost from the final message.
 */
export interface ErrorBodyCapture {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** The kept body of the error response whose headers object this is (what APIError.headers holds). */
  errorBodyOf: (headers: Headers) => string | undefined;
}

/** Longest error body kept, in characters: enough for any server message, bounded for HTML pages. */
const maxKept = 4_096;

export function captureErrorBodies(base: typeof fetch = globalThis.fetch): ErrorBodyCapture {
  const bodies = new WeakMap<Headers, string>();
  return {
    async fetch(input, init) {
      const response = await base(input, init);
      if (response.ok) return response;
      const text = await response.text();
      const copy = new Response(text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      bodies.set(copy.headers, text.slice(0, maxKept));
      return copy;
    },
    errorBodyOf: (headers) => bodies.get(headers),
  };
}
