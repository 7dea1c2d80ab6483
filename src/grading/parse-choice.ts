/** A choice letter from `B`, `(B)`, `B)`, `B.`, `\text{(B)}`, `answer: B`, `B) some option text`. */
export function parseChoice(text: string): string | null {
  const cleaned = text.replace(/\\text(?:bf)?\{([^{}]*)\}/g, '$1').trim();
  const match = /^\(?([A-Z])\)?(?:[.:)]|\s|$)/.exec(cleaned) ?? /(?:^|[\s(])\(([A-Z])\)(?:\s|[.,]|$)/.exec(cleaned);
  return match?.[1] ?? null;
}
