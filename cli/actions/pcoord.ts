/** `we pcoord --model MODEL FILE...`: what DeepDriveMD's get_pcoord.sh printed, one row per frame, `%.4f` columns. */
import { WeError } from '../../core/errors.js';
import { lookUp } from '../../core/named-resources.js';
import { embedFiles, loadModelPackage } from '../../plugins/pcoord-onnx/index.js';

/** Prints every frame of every file, in order; `model` is a model package's name or directory. */
export async function printPcoords(model: string, files: string[]): Promise<void> {
  const lookup = lookUp('models', model, process.cwd());
  if ('problem' in lookup) throw new WeError(`--model: ${lookup.problem}`);
  const pkg = await loadModelPackage(lookup.found.abs, {}, lookup.found.shown);
  try {
    const ndim = pkg.description.output.dims.length;
    const lines: string[] = [];
    for (const pcoords of await embedFiles(pkg, files)) {
      for (let f = 0; f < pcoords.length; f += ndim) {
        lines.push(Array.from(pcoords.subarray(f, f + ndim), (v) => v.toFixed(4)).join(' '));
      }
    }
    if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await pkg.close();
  }
}
