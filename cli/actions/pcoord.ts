/** `we pcoord --model MODEL FILE...`: every frame's progress coordinates, as a table or a .npy matrix. */
import { WeError } from '../../core/errors.js';
import { lookUp } from '../../core/named-resources.js';
import { UsageError } from '../usage-error.js';
import { embedFiles, loadModelPackage } from '../../plugins/pcoord-onnx/index.js';
import { refuseTerminal } from '../binary-output.js';
import { npyMatrix } from '../npy.js';
import { pcoordTable, type TableFormat } from '../pcoord-table.js';

export type PcoordFormat = TableFormat | 'npy';

/** Prints every frame of every file, in order; `model` is a model package's name or directory. */
export async function printPcoords(model: string, files: string[], format: PcoordFormat): Promise<void> {
  if (format === 'npy' && files.length > 1) {
    throw new UsageError(`--format npy writes one matrix, so one file at a time (got ${files.length}); --format csv or tsv names each row's file`);
  }
  // Before the work, not after it.
  if (format === 'npy') refuseTerminal('a .npy matrix', `we pcoord --model ${model} ${files[0]} --format npy > pcoords.npy`);
  const lookup = lookUp('models', model, process.cwd());
  if ('problem' in lookup) throw new WeError(`--model: ${lookup.problem}`);
  const pkg = await loadModelPackage(lookup.found.abs, {}, lookup.found.shown);
  try {
    const { name, dims } = pkg.description.output;
    const pcoords = await embedFiles(pkg, files);
    if (format === 'npy') {
      process.stdout.write(npyMatrix(pcoords[0], pcoords[0].length / dims.length, dims.length));
    } else {
      const columns = dims.map((d) => `${name}[${d}]`);
      process.stdout.write(pcoordTable(files.map((file, i) => ({ file, pcoords: pcoords[i] })), columns, format));
    }
  } finally {
    await pkg.close();
  }
}
