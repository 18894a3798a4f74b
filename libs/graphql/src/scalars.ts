import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { badInput } from './errors';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL = /^-?\d{1,28}(\.\d{1,12})?$/;

function literalString(ast: ValueNode, scalar: string): string {
  if (ast.kind !== Kind.STRING) throw badInput(scalar, `${scalar} must be a string`);
  return ast.value;
}

export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw badInput('DateTime', `"${String(value)}" is not an ISO 8601 date-time with a time zone`);
  }
  return new Date(value);
}

export function isValidDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isValidDate(value)) {
    throw badInput('Date', `"${String(value)}" is not a calendar date YYYY-MM-DD`);
  }
  return value;
}

/** Decimals stay strings end to end (Postgres numeric ⇄ JSON string); never floats. */
export function parseDecimal(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value !== 'string' || !DECIMAL.test(value.trim())) {
    throw badInput('Decimal', `"${String(value)}" is not a decimal number`);
  }
  return normalizeDecimal(value.trim());
}

/** Strips redundant zeros: "0100.500" → "100.5", "-0.0" → "0". */
export function normalizeDecimal(value: string): string {
  let [int = '0', frac = ''] = value.replace(/^-/, '').split('.');
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  const negative = value.startsWith('-') && (int !== '0' || frac !== '');
  return `${negative ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO 8601 instant, e.g. 2026-11-23T08:00:00.000Z',
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literalString(ast, 'DateTime')),
});

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar day, YYYY-MM-DD',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return String(value).slice(0, 10);
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literalString(ast, 'Date')),
});

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number serialised as a string, e.g. "100000000.00"',
  serialize: (value) => (typeof value === 'string' ? value : String(value)),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT) return parseDecimal(ast.value);
    return parseDecimal(literalString(ast, 'Decimal'));
  },
});

export const scalarResolvers = { DateTime: DateTimeScalar, Date: DateScalar, Decimal: DecimalScalar };
