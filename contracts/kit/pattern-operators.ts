// Leaf matchers of EventBridge event patterns: what may appear inside a field's array,
// and whether one scalar value of the event satisfies it. Semantics follow AWS's docs and,
// where the docs are silent, aws/event-ruler, the open-source engine behind EventBridge.
import { BlockList, isIP } from 'node:net';

export type Scalar = string | number | boolean | null;
/** One entry of a field's value list: a literal, or an object holding one operator. */
export type Matcher = Scalar | { readonly [operator: string]: unknown };

type Check = (operand: unknown, path: string) => void;
type Test = (operand: unknown, value: Scalar) => boolean;

export function fail(path: string, message: string): never {
  throw new Error(`Invalid event pattern at ${path || '(root)'}: ${message}`);
}

export function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

export function isExistsMatcher(matcher: unknown): matcher is { readonly exists: boolean } {
  return isPlainObject(matcher) && typeof matcher.exists === 'boolean';
}

// --- validation -------------------------------------------------------------------------

function requireString(operand: unknown, path: string): string {
  if (typeof operand !== 'string') fail(path, 'must be a string');
  return operand;
}

function requireFiniteNumber(operand: unknown, path: string): number {
  if (typeof operand !== 'number' || !Number.isFinite(operand)) fail(path, 'must be a number');
  return operand;
}

function checkAffix(operand: unknown, path: string): void {
  if (typeof operand === 'string') return;
  const [key, inner, extra] = singleEntry(operand);
  if (key !== 'equals-ignore-case' || extra) fail(path, 'must be a string or {"equals-ignore-case": "..."}');
  requireString(inner, `${path}.equals-ignore-case`);
}

function checkWildcard(operand: unknown, path: string): void {
  const compiled = compileWildcard(requireString(operand, path));
  if (typeof compiled === 'string') fail(path, compiled);
}

// AWS accepts only a lower bound, an upper bound, a lower then an upper bound, or "=".
function checkNumeric(operand: unknown, path: string): void {
  if (!Array.isArray(operand)) fail(path, 'must be an array such as [">", 0, "<=", 5]');
  const [op1, n1, op2, n2, ...rest] = operand;
  const shape = `${op1}${op2 === undefined ? '' : ` ${op2}`}`;
  const allowed = /^(=|<|<=|>|>=|(>|>=) (<|<=))$/;
  if (rest.length > 0 || typeof op1 !== 'string' || !allowed.test(shape)) {
    fail(path, 'expects ["=", n], ["<" | "<=" | ">" | ">=", n] or [">" | ">=", low, "<" | "<=", high]');
  }
  const low = requireFiniteNumber(n1, `${path}[1]`);
  if (op2 === undefined) return;
  if (requireFiniteNumber(n2, `${path}[3]`) <= low) fail(path, 'lower bound must be below upper bound');
}

function checkCidr(operand: unknown, path: string): void {
  if (!parseCidr(requireString(operand, path))) fail(path, 'must be an IP range such as "10.0.0.0/24"');
}

function checkExists(operand: unknown, path: string): void {
  if (typeof operand !== 'boolean') fail(path, 'must be true or false');
}

const ANYTHING_BUT_INNER = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

// A list must hold only strings or only numbers: AWS rejects mixed, boolean and null lists.
function checkExclusionList(list: readonly unknown[], path: string): void {
  const kinds = new Set(list.map((item) => typeof item));
  if (kinds.size !== 1 || !(kinds.has('string') || kinds.has('number'))) {
    fail(path, 'list must hold only strings or only numbers');
  }
  list.forEach((item, i) => {
    if (typeof item === 'number') requireFiniteNumber(item, `${path}[${i}]`);
  });
}

function checkAnythingButOperator(operand: unknown, path: string): void {
  const [key, inner, extra] = singleEntry(operand);
  if (key === undefined || extra || !ANYTHING_BUT_INNER.has(key)) {
    fail(path, 'must be a value, a list, or one of prefix / suffix / equals-ignore-case / wildcard');
  }
  const innerPath = `${path}.${key}`;
  const terms = Array.isArray(inner) ? inner : [inner];
  if (terms.length === 0) fail(innerPath, 'must not be empty');
  terms.forEach((term, i) => {
    const termPath = Array.isArray(inner) ? `${innerPath}[${i}]` : innerPath;
    const text = requireString(term, termPath);
    if ((key === 'prefix' || key === 'suffix') && text === '') fail(termPath, `empty ${key} is not allowed`);
    if (key === 'wildcard') checkWildcard(text, termPath);
  });
}

function checkAnythingBut(operand: unknown, path: string): void {
  if (typeof operand === 'string') return;
  if (typeof operand === 'number') requireFiniteNumber(operand, path);
  else if (Array.isArray(operand)) checkExclusionList(operand, path);
  else checkAnythingButOperator(operand, path);
}

const CHECKS = new Map<string, Check>([
  ['prefix', checkAffix],
  ['suffix', checkAffix],
  ['equals-ignore-case', requireString],
  ['wildcard', checkWildcard],
  ['anything-but', checkAnythingBut],
  ['numeric', checkNumeric],
  ['exists', checkExists],
  ['cidr', checkCidr],
]);

/** Names that are operators; inside `$or` AWS refuses them as field names. */
export const OPERATOR_NAMES: ReadonlySet<string> = new Set(CHECKS.keys());

function singleEntry(operand: unknown): [string | undefined, unknown, boolean] {
  const entries = isPlainObject(operand) ? Object.entries(operand) : [];
  const [first] = entries;
  return [first?.[0], first?.[1], entries.length !== 1];
}

export function validateMatcher(matcher: unknown, path: string): void {
  if (typeof matcher === 'number') requireFiniteNumber(matcher, path);
  if (isScalar(matcher)) return;
  if (!isPlainObject(matcher)) fail(path, 'must be a string, number, boolean, null or an operator object');
  const [operator, operand, extra] = singleEntry(matcher);
  if (operator === undefined || extra) fail(path, 'an operator object must have exactly one key');
  const check = CHECKS.get(operator);
  if (!check) fail(path, `unknown operator "${operator}"`);
  check(operand, `${path}.${operator}`);
}

// --- matching ---------------------------------------------------------------------------

const fold = (text: string): string => text.toLowerCase();

function affixTest(select: (value: string, affix: string) => boolean): Test {
  return (operand, value) => {
    if (typeof value !== 'string') return false;
    if (typeof operand === 'string') return select(value, operand);
    const ignoringCase = isPlainObject(operand) ? operand['equals-ignore-case'] : undefined;
    return typeof ignoringCase === 'string' && select(fold(value), fold(ignoringCase));
  };
}

const startsWith = affixTest((value, affix) => value.startsWith(affix));
const endsWith = affixTest((value, affix) => value.endsWith(affix));

const equalsIgnoringCase: Test = (operand, value) =>
  typeof value === 'string' && fold(value) === fold(String(operand));

const wildcards = new Map<string, RegExp>();

// Returns an error message rather than throwing so that validation can name the path.
function compileWildcard(pattern: string): RegExp | string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '\\') {
      const next = pattern[++i];
      if (next !== '*' && next !== '\\') return 'a backslash may only escape "*" or "\\"';
      source += `\\${next}`;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') return 'consecutive wildcard characters are not allowed';
      source += '.*';
    } else {
      source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

const matchesWildcard: Test = (operand, value) => {
  if (typeof value !== 'string') return false;
  const pattern = String(operand);
  let regex = wildcards.get(pattern);
  if (!regex) {
    const compiled = compileWildcard(pattern);
    if (typeof compiled === 'string') return false;
    regex = compiled;
    wildcards.set(pattern, regex);
  }
  return regex.test(value);
};

const COMPARE = new Map<unknown, (value: number, bound: number) => boolean>([
  ['=', (value, bound) => value === bound],
  ['<', (value, bound) => value < bound],
  ['<=', (value, bound) => value <= bound],
  ['>', (value, bound) => value > bound],
  ['>=', (value, bound) => value >= bound],
]);

// Numeric matching applies to JSON numbers only; "5" in an event is a string, not a number.
const inNumericRange: Test = (operand, value) => {
  if (typeof value !== 'number' || !Array.isArray(operand)) return false;
  for (let i = 0; i < operand.length; i += 2) {
    const compare = COMPARE.get(operand[i]);
    if (!compare?.(value, Number(operand[i + 1]))) return false;
  }
  return true;
};

function parseCidr(cidr: string): BlockList | undefined {
  const [address = '', bits, ...rest] = cidr.split('/');
  const family = isIP(address);
  const prefix = Number(bits);
  const maxPrefix = family === 6 ? 128 : 32;
  if (family === 0 || rest.length > 0 || !/^\d+$/.test(bits ?? '') || prefix > maxPrefix) return undefined;
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  return list;
}

const cidrs = new Map<string, BlockList | undefined>();

const inCidr: Test = (operand, value) => {
  const family = typeof value === 'string' ? isIP(value) : 0;
  if (typeof value !== 'string' || family === 0) return false;
  const cidr = String(operand);
  if (!cidrs.has(cidr)) cidrs.set(cidr, parseCidr(cidr));
  return cidrs.get(cidr)?.check(value, family === 6 ? 'ipv6' : 'ipv4') ?? false;
};

// Anything-but matches any present value, of any type, that none of its terms matches.
const anythingBut: Test = (operand, value) => {
  if (!isPlainObject(operand)) {
    const excluded = Array.isArray(operand) ? operand : [operand];
    return !excluded.includes(value);
  }
  const [key = '', inner] = singleEntry(operand);
  const test = ANYTHING_BUT_INNER.has(key) ? TESTS.get(key) : undefined;
  const terms = Array.isArray(inner) ? inner : [inner];
  return test !== undefined && !terms.some((term) => test(term, value));
};

const TESTS = new Map<string, Test>([
  ['prefix', startsWith],
  ['suffix', endsWith],
  ['equals-ignore-case', equalsIgnoringCase],
  ['wildcard', matchesWildcard],
  ['anything-but', anythingBut],
  ['numeric', inNumericRange],
  ['cidr', inCidr],
]);

/** Whether one scalar value of the event satisfies a validated matcher (`exists` is decided by the caller). */
export function matchesScalar(matcher: unknown, value: Scalar): boolean {
  // Numbers compare by value, as AWS's engine adds a numeric matcher next to each literal number.
  if (!isPlainObject(matcher)) return matcher === value;
  const [operator, operand] = singleEntry(matcher);
  return TESTS.get(operator ?? '')?.(operand, value) ?? false;
}
