/**
 * NumPy's .npy format (version 1.0) for a C-ordered float64 matrix, so `numpy.load` reads what `we` prints.
 * Layout: magic, version, header length, a Python dict literal padded so the data starts 64-byte aligned.
 */
const MAGIC = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0]);
const ALIGN = 64;

/** `values` row-major, rows × cols. */
export function npyMatrix(values: Float64Array, rows: number, cols: number): Buffer {
  if (values.length !== rows * cols) throw new Error(`npyMatrix: ${values.length} values for ${rows} × ${cols}`);
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const unpadded = MAGIC.length + 2 + dict.length + 1;
  const header = dict + ' '.repeat((ALIGN - (unpadded % ALIGN)) % ALIGN) + '\n';
  const length = Buffer.alloc(2);
  length.writeUInt16LE(header.length);
  const data = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) data.writeDoubleLE(values[i], i * 8);
  return Buffer.concat([MAGIC, length, Buffer.from(header, 'latin1'), data]);
}
