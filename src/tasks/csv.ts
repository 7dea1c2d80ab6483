import { invalidInput } from './input.js';

/**
 * A small RFC 4180 CSV parser (MMLU's original files): fields separated by commas, records by LF or CRLF,
 * quoted fields may hold commas, newlines and doubled quotes (`""`). A quote inside an unquoted field is kept
 * as a literal character, as Python's csv module does. Pure; `file` only names errors.
 */
export interface CsvRecord {
  /** 1-based line on which the record starts (records may span lines). */
  line: number;
  fields: string[];
}

const unquotedField = /[^,\r\n]*/y;

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let index = text.startsWith('\uFEFF') ? 1 : 0;
  while (index < text.length) {
    if (text[index] === '"') {
      // Quoted field: up to the next quote that is not doubled.
      let value = '';
      let from = index + 1;
      for (;;) {
        const quote = text.indexOf('"', from);
        if (quote < 0) throw invalidInput({ file, line }, undefined, 'unterminated quoted field');
        value += text.slice(from, quote);
        if (text[quote + 1] !== '"') {
          index = quote + 1;
          break;
        }
        value += '"';
        from = quote + 2;
      }
      line += countNewlines(value);
      fields.push(value);
      const after = text[index];
      if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') {
        throw invalidInput({ file, line }, undefined, `unexpected ${JSON.stringify(after)} after a closing quote`);
      }
    } else {
      unquotedField.lastIndex = index;
      const value = unquotedField.exec(text)?.[0] ?? '';
      fields.push(value);
      index += value.length;
    }
    // Now at a comma, a line break or the end.
    const separator = text[index];
    if (separator === ',') {
      index++;
      if (index === text.length) fields.push(''); // a trailing comma ends with an empty field
      continue;
    }
    if (separator === '\r' && text[index + 1] !== '\n') {
      throw invalidInput({ file, line }, undefined, 'bare carriage return outside quotes');
    }
    // A blank line (one empty unquoted field) is not a record.
    if (fields.length > 1 || fields[0] !== '' || text[index - 1] === '"') records.push({ line: recordLine, fields });
    fields = [];
    index += separator === '\r' ? 2 : 1;
    line++;
    recordLine = line;
  }
  if (fields.length > 0) records.push({ line: recordLine, fields }); // the text ended right after a comma
  return records;
}
