/** One CSV field (RFC 4180): quoted when it has a separator, quote, line break or edge spaces. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = neutraliseFormula(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * A spreadsheet opening the file must not run a cell as a formula (CSV injection): text that
 * starts with = or @, or with + or - not followed by a digit (phone numbers like +62… and
 * negative amounts stay as they are), gets a leading apostrophe.
 */
export function neutraliseFormula(text: string): string {
  return /^[=@\t\r]|^[+-](?![\d.])/.test(text) ? `'${text}` : text;
}
