/**
 * Exact value of a purely numeric answer (integers, decimals, + − × ÷ and integer powers) as a BigInt
 * fraction. Such answers never reach the compute engine: its machine-number arithmetic rounds once a
 * product passes 2^53 (it makes 1225/72 − 17.01388888888889 exactly 0, and 99999989·99999971 end in 20),
 * so for the commonest answers — numbers and fractions — exactness is kept here instead. This is
 * arithmetic on literals only; anything symbolic (letters, √, π) returns null and goes to the engine.
 */
import type { MathJson } from './math-expression-parser.js';

export interface Rational {
  numerator: bigint;
  denominator: bigint; // always > 0
}

/** Results beyond this many bits are refused (null), which keeps every operation cheap. */
const maxBits = 4096;

export function evaluateRational(json: MathJson): Rational | null {
  try {
    return evaluate(json);
  } catch (error) {
    if (error instanceof NotRational) return null;
    throw error;
  }
}

class NotRational extends Error {}

function evaluate(json: MathJson): Rational {
  if (typeof json === 'number') {
    if (!Number.isSafeInteger(json)) throw new NotRational('non-integer literal');
    return { numerator: BigInt(json), denominator: 1n };
  }
  if (typeof json === 'string') throw new NotRational('symbol');
  if (!Array.isArray(json)) {
    if (!/^-?\d+$/.test(json.num)) throw new NotRational('non-integer literal');
    return { numerator: BigInt(json.num), denominator: 1n };
  }
  const [head, ...args] = json;
  const values = args.map(evaluate);
  const [a, b] = values;
  if (a === undefined) throw new NotRational('no operand');
  switch (head) {
    case 'Negate':
      return { numerator: -a.numerator, denominator: a.denominator };
    case 'Add':
    case 'Subtract':
      if (b === undefined) throw new NotRational('missing operand');
      return make(
        a.numerator * b.denominator + (head === 'Add' ? 1n : -1n) * b.numerator * a.denominator,
        a.denominator * b.denominator,
      );
    case 'Multiply':
      if (b === undefined) throw new NotRational('missing operand');
      return make(a.numerator * b.numerator, a.denominator * b.denominator);
    case 'Divide':
      if (b === undefined || b.numerator === 0n) throw new NotRational('division by zero');
      return make(a.numerator * b.denominator, a.denominator * b.numerator);
    case 'Power':
      if (b === undefined) throw new NotRational('missing operand');
      return power(a, b);
    default:
      throw new NotRational(`not arithmetic: ${String(head)}`);
  }
}

function power(base: Rational, exponent: Rational): Rational {
  if (exponent.denominator !== 1n) throw new NotRational('fractional power');
  const magnitude = exponent.numerator < 0n ? -exponent.numerator : exponent.numerator;
  if (bits(base.numerator) * Number(magnitude) > maxBits || bits(base.denominator) * Number(magnitude) > maxBits) {
    throw new NotRational('power too large');
  }
  const raised = make(base.numerator ** magnitude, base.denominator ** magnitude);
  if (exponent.numerator >= 0n) return raised;
  if (raised.numerator === 0n) throw new NotRational('division by zero');
  return make(raised.denominator, raised.numerator);
}

function make(numerator: bigint, denominator: bigint): Rational {
  if (bits(numerator) > maxBits || bits(denominator) > maxBits) throw new NotRational('too large');
  const divisor = gcd(numerator < 0n ? -numerator : numerator, denominator < 0n ? -denominator : denominator);
  const sign = denominator < 0n ? -1n : 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function bits(value: bigint): number {
  return (value < 0n ? -value : value).toString(2).length;
}

export function rationalsEqual(a: Rational, b: Rational): boolean {
  return a.numerator === b.numerator && a.denominator === b.denominator;
}

/** The double nearest to the fraction (from 25 significant digits, so correctly rounded in practice). */
export function rationalToDouble(value: Rational): number {
  if (value.numerator === 0n) return 0;
  const negative = value.numerator < 0n;
  const numerator = negative ? -value.numerator : value.numerator;
  const shift = 25 - (numerator.toString().length - value.denominator.toString().length);
  const scaled =
    shift >= 0
      ? (numerator * 10n ** BigInt(shift)) / value.denominator
      : numerator / (value.denominator * 10n ** BigInt(-shift));
  return Number(`${negative ? '-' : ''}${scaled}e${-shift}`);
}
