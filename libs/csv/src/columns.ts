/** A header as a lookup key: lower case, without spaces, _ , - , . and / ("Engine No" → "engineno"). */
export function headerKey(header: string): string {
  return header.trim().toLowerCase().replace(/[\s_.\-/]+/g, '');
}

/** The delimiter of a CSV from its header line: the most frequent of , ; and tab (comma on a tie). */
export function detectDelimiter(firstLine: string): string {
  const count = (c: string) => firstLine.split(c).length - 1;
  const candidates: [string, number][] = [[',', count(',')], [';', count(';')], ['\t', count('\t')]];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ',';
}
