/**
 * Tokens of the grader's normalised text as Python's tokenizer and sympy's `auto_symbol` and
 * `split_symbols` transformations make them (see math-expression-parser.ts): numbers with Python's
 * literal syntax (`1_000`, `.5`, `2e3`), names, and the operators sympy would accept here. A multi-letter
 * name that sympy does not define splits into its letters (`xy` → x, y; `x2` → x, 2); `sqrt`, `ln`, `pi`,
 * Greek letter names and names with `_` stay whole.
 */

export type Token = { kind: 'number'; text: string } | { kind: 'name'; text: string } | { kind: 'op'; text: string };

/** Raised for any text sympy could not have read as we read it; the caller turns it into "not equal". */
export class Refused extends Error {}

export const functionNames = new Map([
  ['sqrt', 'Sqrt'],
  ['ln', 'Ln'],
]);
/** Names sympy defines (so never splits) that we do not model: refusing them is the safe reading. */
const unsupportedNames = new Set(['oo', 'nan', 'zoo', 're', 'im', 'li', 'ff', 'rf', 'jn', 'yn', 'fu']);
const greekNames = new Set([
  'mu',
  'nu',
  'xi',
  'pi',
  'eta',
  'phi',
  'chi',
  'psi',
  'rho',
  'tau',
  'beta',
  'zeta',
  'iota',
  'alpha',
  'gamma',
  'delta',
  'theta',
  'kappa',
  'sigma',
  'omega',
  'lambda',
  'epsilon',
  'upsilon',
  'omicron',
]);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|(\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?(?:[eE][+-]?\d+)?|\.\d(?:_?\d)*(?:[eE][+-]?\d+)?)|([\p{L}_][\p{L}\p{N}_]*)|(\*\*|[-+*/()!])/uy;
  while (pattern.lastIndex < text.length) {
    const match = pattern.exec(text);
    if (match === null) throw new Refused('unexpected character');
    if (match[1] !== undefined) tokens.push({ kind: 'number', text: match[1].replaceAll('_', '') });
    else if (match[2] !== undefined) tokens.push(...splitName(match[2]));
    else if (match[3] !== undefined) tokens.push({ kind: 'op', text: match[3] });
  }
  return tokens;
}

/** sympy's `split_symbols`: an unknown multi-letter name is a product of letters (digits become numbers). */
function splitName(name: string): Token[] {
  if (unsupportedNames.has(name)) throw new Refused(`unsupported name ${name}`);
  const whole = functionNames.has(name) || name === 'pi' || greekNames.has(name) || name.includes('_');
  if (whole || [...name].length === 1) return [{ kind: 'name', text: name }];
  return (name.match(/\p{N}+|\p{L}/gu) ?? []).map((part): Token =>
    /^\p{N}/u.test(part) ? { kind: 'number', text: part } : { kind: 'name', text: part },
  );
}
