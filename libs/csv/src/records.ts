import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { detectDelimiter } from './columns';

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
}

/**
 * Streams the records of a CSV (UTF-8, optional BOM) with the line each starts on. The
 * delimiter (comma, semicolon or tab) is taken from the header line; quoted cells may span
 * lines. Memory stays flat: the parser is fed as the consumer reads.
 */
export async function* csvRecords(stream: Readable): AsyncGenerator<CsvRecord> {
  stream.setEncoding('utf8');
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<string>;
  const first = await iterator.next();
  if (first.done) return;
  const head: string = first.value;
  const parser = parse({
    delimiter: detectDelimiter(head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''),
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
  });
  const pump = (async () => {
    try {
      if (!parser.write(head)) await once(parser, 'drain');
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (!parser.write(next.value)) await once(parser, 'drain');
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  let previousEnd = 0;
  let previousEmpty = 0;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
    const line = previousEnd + 1 + (info.empty_lines - previousEmpty);
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    yield { line, cells: record };
  }
  await pump;
}
