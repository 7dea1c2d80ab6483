/**
 * Reads the grader's normalised text (`2sqrt(3)/3`, `x^2+2x`, `pi/4`) into MathJSON for the compute engine,
 * with the reading sympy gives it in PRM800K (`parse_expr` with the standard transformations plus
 * `implicit_multiplication_application`): `^` is a power (right-associative, binding tighter than a unary
 * minus), juxtaposition multiplies (`2x`, `x(x+1)`, `(1+2)3`), a multi-letter name that sympy does not know
 * splits into one symbol per letter (`xy` is x·y), `pi` is π, `sqrt(…)` and `ln(…)` are functions, and
 * every letter is a plain unknown (sympy's `e` and `i` are symbols, not constants). Anything else (commas,
 * `=`, unknown functions, factorials of large numbers) is refused with null, which the checker reads as
 * "not shown equal", as sympy raising was. Depth and size are bounded so the engine never gets a monster.
 */
import { Refused, functionNames, tokenize } from './math-expression-tokens.js';
import type { Token } from './math-expression-tokens.js';

export type MathJson = number | string | { num: string } | MathJson[];

export interface ParsedExpression {
  json: MathJson;
  /** Whether a decimal literal occurs (`0.5`, `1e3`): sympy read those as binary floats. */
  hasDecimal: boolean;
  /** The most significant digits of any decimal literal (sympy's Float precision grows past 15). */
  decimalDigits: number;
  /** Whether an unknown letter occurs: without one, the expression has a numeric value. */
  hasUnknown: boolean;
}

const maxDepth = 40;
const maxExponent = 64;

/** The MathJSON of a normalised answer (or of `(a)-(b)`), or null where we refuse to read it. */
export function parseGraderText(text: string): ParsedExpression | null {
  try {
    const parser = new ExpressionParser(tokenize(text.replaceAll('^', '**')));
    const json = parser.parseWhole();
    return { json, hasDecimal: parser.hasDecimal, decimalDigits: parser.decimalDigits, hasUnknown: parser.hasUnknown };
  } catch (error) {
    if (error instanceof Refused) return null;
    throw error;
  }
}

class ExpressionParser {
  private index = 0;
  private depth = 0;
  hasDecimal = false;
  decimalDigits = 0;
  hasUnknown = false;
  constructor(private readonly tokens: Token[]) {}

  parseWhole(): MathJson {
    const json = this.parseSum();
    if (this.index !== this.tokens.length) throw new Refused('trailing tokens');
    return json;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'op' && token.text === text;
  }

  private parseSum(): MathJson {
    if (++this.depth > maxDepth) throw new Refused('too deep');
    let left = this.parseProduct();
    while (this.isOp('+') || this.isOp('-')) {
      const operator = this.tokens[this.index++]?.text === '+' ? 'Add' : 'Subtract';
      left = [operator, left, this.parseProduct()];
    }
    this.depth--;
    return left;
  }

  private parseProduct(): MathJson {
    let left = this.parseUnary();
    for (;;) {
      if (this.isOp('*') || this.isOp('/')) {
        const operator = this.tokens[this.index++]?.text === '*' ? 'Multiply' : 'Divide';
        left = [operator, left, this.parseUnary()];
      } else if (this.startsAtom())
        left = ['Multiply', left, this.parsePower()]; // implicit multiplication
      else return left;
    }
  }

  private startsAtom(): boolean {
    const token = this.peek();
    return token !== undefined && (token.kind !== 'op' || token.text === '(');
  }

  private parseUnary(): MathJson {
    if (this.isOp('-') || this.isOp('+')) {
      const negate = this.tokens[this.index++]?.text === '-';
      if (++this.depth > maxDepth) throw new Refused('too deep');
      const operand = this.parseUnary();
      this.depth--;
      return negate ? ['Negate', operand] : operand;
    }
    return this.parsePower();
  }

  private parsePower(): MathJson {
    const base = this.parsePostfix();
    if (!this.isOp('**')) return base;
    this.index++;
    const exponent = this.parseUnary();
    // No nested exponents (PRM800K skips them too), and no exponent big enough to blow up exact arithmetic.
    if (containsPower(base) || containsPower(exponent)) throw new Refused('nested exponent');
    if (!numbersWithin(exponent, maxExponent)) throw new Refused('huge exponent');
    return ['Power', base, exponent];
  }

  private parsePostfix(): MathJson {
    let atom = this.parseAtom();
    while (this.isOp('!')) {
      this.index++;
      atom = factorial(atom);
    }
    return atom;
  }

  private parseAtom(): MathJson {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new Refused('unexpected end');
    if (token.kind === 'number') return this.numberJson(token.text);
    if (token.kind === 'name') {
      const fn = functionNames.get(token.text);
      if (fn !== undefined) {
        if (!this.isOp('(')) throw new Refused('function without parentheses');
        return [fn, this.parseAtom()];
      }
      if (token.text === 'pi') return 'Pi';
      this.hasUnknown = true;
      return symbolName(token.text);
    }
    if (token.text !== '(') throw new Refused(`unexpected ${token.text}`);
    const inner = this.parseSum();
    if (!this.isOp(')')) throw new Refused('unbalanced parenthesis');
    this.index++;
    return inner;
  }

  private numberJson(text: string): MathJson {
    if (!/[.eE]/.test(text)) {
      if (text.length > 200) throw new Refused('long integer');
      return integerJson(BigInt(text));
    }
    // A decimal is read exactly (0.1 is 1/10), so that exact identities hold; the caller compares
    // answers with decimals at double precision, the way sympy's Floats did.
    this.hasDecimal = true;
    const match = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
    const exponent = Number(match?.[3] ?? '0') - (match?.[2] ?? '').length;
    if (match === null || text.length > 40 || Math.abs(exponent) > 60) throw new Refused('unusual decimal');
    const digits = `${match[1] ?? ''}${match[2] ?? ''}`;
    this.decimalDigits = Math.max(this.decimalDigits, digits.replace(/^0+/, '').length);
    const mantissa = BigInt(digits || '0');
    if (exponent >= 0) return integerJson(mantissa * 10n ** BigInt(exponent));
    return ['Divide', integerJson(mantissa), integerJson(10n ** BigInt(-exponent))];
  }
}

function integerJson(value: bigint): MathJson {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : { num: value.toString() };
}

/** A plain engine symbol for a letter: `e` and `i` would otherwise be read as the engine's constants. */
function symbolName(name: string): string {
  return `v_${[...name].map((character) => (/^[a-zA-Z0-9_]$/.test(character) ? character : `u${character.codePointAt(0)?.toString(16)}`)).join('')}`;
}

function containsPower(json: MathJson): boolean {
  return (
    Array.isArray(json) && (json[0] === 'Power' || json.some((part) => Array.isArray(part) && containsPower(part)))
  );
}

/** Whether every number literal in `json` is at most `limit` in size (decimals and big integers are not). */
function numbersWithin(json: MathJson, limit: number): boolean {
  if (typeof json === 'number') return Math.abs(json) <= limit;
  if (Array.isArray(json)) return json.every((part) => numbersWithin(part, limit));
  return typeof json === 'string';
}

/** sympy's factorial notation (`5!`), for small integer literals only. */
function factorial(json: MathJson): MathJson {
  if (typeof json !== 'number' || !Number.isInteger(json) || json < 0 || json > 30) throw new Refused('factorial');
  let product = 1n;
  for (let factor = 2n; factor <= BigInt(json); factor++) product *= factor;
  return integerJson(product);
}
