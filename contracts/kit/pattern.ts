// EventBridge event patterns for the local bus: the same syntax checks PutRule makes, and the same
// matching as a rule on an AWS event bus, so rules behave alike in `kismo dev` and in AWS.
import type { Scalar } from './pattern-operators';
import {
  fail,
  isExistsMatcher,
  isPlainObject,
  isScalar,
  matchesScalar,
  OPERATOR_NAMES,
  validateMatcher,
} from './pattern-operators';

export type { Matcher, Scalar } from './pattern-operators';

/**
 * A field maps to a nested pattern or to the list of values (`Matcher`s) it may take; `$or` lists
 * alternative patterns. Values stay `unknown` so that patterns built elsewhere need no casts.
 */
export type EventPattern = { readonly [field: string]: unknown };

type EventObject = Readonly<Record<string, unknown>>;

const isList = (value: unknown): value is readonly unknown[] => Array.isArray(value);

function fieldPath(parent: string, field: string): string {
  return parent === '' ? field : `${parent}.${field}`;
}

// --- validation -------------------------------------------------------------------------

/** Checks EventBridge pattern syntax and returns the pattern typed; throws naming the bad path. */
export function validatePattern(pattern: unknown): EventPattern {
  validateObject(pattern, '', false);
  return pattern as EventPattern;
}

function validateObject(node: unknown, path: string, insideOr: boolean): void {
  if (!isPlainObject(node)) fail(path, 'must be a JSON object');
  const entries = Object.entries(node);
  if (entries.length === 0) fail(path, 'empty objects are not allowed');
  for (const [field, value] of entries) {
    const childPath = fieldPath(path, field);
    if (field === '$or') {
      validateOr(value, childPath);
    } else if (insideOr && OPERATOR_NAMES.has(field)) {
      fail(childPath, `"${field}" is an operator and cannot be a field name inside $or`);
    } else if (isList(value)) {
      validateValues(value, childPath);
    } else if (isPlainObject(value)) {
      validateObject(value, childPath, insideOr);
    } else {
      fail(childPath, 'a leaf must be an array of values, e.g. ["value"], or a nested object');
    }
  }
}

function validateOr(value: unknown, path: string): void {
  if (!isList(value) || value.length < 2) fail(path, 'must be an array of at least two patterns');
  value.forEach((alternative, i) => {
    validateObject(alternative, `${path}[${i}]`, true);
  });
}

function validateValues(values: readonly unknown[], path: string): void {
  if (values.length === 0) fail(path, 'empty arrays are not allowed');
  values.forEach((matcher, i) => {
    validateMatcher(matcher, `${path}[${i}]`);
  });
}

// --- matching ---------------------------------------------------------------------------

/**
 * Whether the event matches a pattern that passed `validatePattern`. Every field of the pattern must
 * match (AND); any value in a field's list may match (OR); an array in the event matches when any
 * of its elements does.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchesObject(pattern, isPlainObject(event) ? event : {});
}

function matchesObject(pattern: EventPattern, node: EventObject): boolean {
  return Object.entries(pattern).every(([field, rule]) => {
    if (field === '$or') {
      return isList(rule) && rule.some((alt) => isPlainObject(alt) && matchesObject(alt, node));
    }
    const value = Object.hasOwn(node, field) ? node[field] : undefined;
    if (isList(rule)) return matchesValues(rule, value);
    return isPlainObject(rule) && matchesNested(rule, value);
  });
}

// Objects are never leaf values: AWS flattens the event to its scalar leaves, so a field holding an
// object or an empty array counts as absent, and nested arrays are flattened.
function leafValues(value: unknown): Scalar[] {
  if (isScalar(value)) return [value];
  return isList(value) ? value.flatMap(leafValues) : [];
}

function matchesValues(matchers: readonly unknown[], value: unknown): boolean {
  const values = leafValues(value);
  return matchers.some((matcher) =>
    isExistsMatcher(matcher)
      ? matcher.exists === values.length > 0
      : values.some((scalar) => matchesScalar(matcher, scalar)),
  );
}

function objectsIn(value: unknown): EventObject[] {
  if (isPlainObject(value)) return [value];
  return isList(value) ? value.flatMap(objectsIn) : [];
}

// Matching each array element on its own keeps fields of one pattern object on the same element,
// as AWS does ("array-consistent" matching). With no object at all, only `exists: false` can match.
function matchesNested(pattern: EventPattern, value: unknown): boolean {
  const candidates = objectsIn(value);
  if (candidates.length === 0) return matchesObject(pattern, {});
  return candidates.some((candidate) => matchesObject(pattern, candidate));
}
