/**
 * How `we pcoord` prints: `text` is what DeepDriveMD's get_pcoord.sh wrote (`%.4f` columns, space-separated);
 * `csv` and `tsv` carry a header and every digit, for analysis tools. With several files, each row starts
 * with its file.
 */

/** Encoders compute in float32: 9 significant digits give back the same float32, without float64's noise. */
const float32Digits = (v: number) => String(Number(v.toPrecision(9)));
export const TABLE_FORMATS = ['text', 'csv', 'tsv'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

/** One input file's progress coordinates: frames × ndim, row-major. */
export interface FilePcoords {
  file: string;
  pcoords: Float64Array;
}

/** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const STYLE: Record<TableFormat, { separator: string; field: (text: string) => string; value: (v: number) => string; header: boolean }> = {
  text: { separator: ' ', field: (t) => t, value: (v) => v.toFixed(4), header: false },
  csv: { separator: ',', field: csvField, value: float32Digits, header: true },
  tsv: { separator: '\t', field: (t) => t.replace(/[\t\n]/g, ' '), value: float32Digits, header: true },
};

/** `columns` names the pcoord dimensions (the header of csv and tsv). */
export function pcoordTable(files: readonly FilePcoords[], columns: readonly string[], format: TableFormat): string {
  const style = STYLE[format];
  const withFile = files.length > 1;
  const lines: string[] = [];
  if (style.header) lines.push([...(withFile ? ['file'] : []), ...columns].map(style.field).join(style.separator));
  const ndim = columns.length;
  for (const { file, pcoords } of files) {
    const lead = withFile ? [style.field(file)] : [];
    for (let f = 0; f < pcoords.length; f += ndim) {
      lines.push([...lead, ...Array.from(pcoords.subarray(f, f + ndim), style.value)].join(style.separator));
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
