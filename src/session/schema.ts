/**
 * A tiny strict schema checker for JSON frame bodies: every field is typed and bounded,
 * unknown fields are rejected, and a failed check says which path was wrong.
 */
export type Check<T> = (value: unknown, path: string) => T;

export class SchemaError extends Error {
  constructor(path: string, expected: string) {
    super(`${path || 'value'}: expected ${expected}`);
    this.name = 'SchemaError';
  }
}

export const str =
  (options: { min?: number; max: number; pattern?: RegExp }): Check<string> =>
  (value, path) => {
    if (typeof value !== 'string' || value.length < (options.min ?? 0) || value.length > options.max) {
      throw new SchemaError(path, `a string of ${options.min ?? 0}..${options.max} chars`);
    }
    if (options.pattern && !options.pattern.test(value)) throw new SchemaError(path, `a string matching ${options.pattern}`);
    return value;
  };

export const int =
  (min: number, max: number): Check<number> =>
  (value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new SchemaError(path, `an integer in ${min}..${max}`);
    }
    return value;
  };

export const bool: Check<boolean> = (value, path) => {
  if (typeof value !== 'boolean') throw new SchemaError(path, 'a boolean');
  return value;
};

export const literal =
  <const T extends string>(...options: T[]): Check<T> =>
  (value, path) => {
    if (typeof value !== 'string' || !(options as string[]).includes(value)) throw new SchemaError(path, options.join('|'));
    return value as T;
  };

export const arr =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (value, path) => {
    if (!Array.isArray(value) || value.length > max) throw new SchemaError(path, `an array of at most ${max}`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };

export const optional =
  <T>(check: Check<T>): Check<T | undefined> =>
  (value, path) =>
    value === undefined ? undefined : check(value, path);

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

export const obj =
  <S extends Shape>(shape: S): Check<Out<S>> =>
  (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SchemaError(path, 'an object');
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) throw new SchemaError(`${path}.${key}`, 'no such field');
    }
    const out = {} as Record<string, unknown>;
    for (const [key, check] of Object.entries(shape)) {
      const v = check(record[key], `${path}.${key}`);
      if (v !== undefined) out[key] = v;
    }
    return out as Out<S>;
  };

/** Lowercase hex of exactly `bytes` bytes. */
export const hexOf = (bytes: number): Check<string> => str({ min: bytes * 2, max: bytes * 2, pattern: /^[0-9a-f]*$/ });
