/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Returns rows of fields;
 * a trailing empty line is dropped. With `lineOf`, it receives each row's first line number (1-based), so an
 * error can name the line of a file whose quoted fields span several.
 */
export function parseCsv(text: string, lineOf?: number[]): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      lineOf?.push(rowLine);
      rowLine = ++line;
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
    lineOf?.push(rowLine);
  }
  return rows;
}

/** Quotes a field when it needs it. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line (without the line break). */
export function csvLine(values: (string | number)[]): string {
  return values.map(csvField).join(',');
}
