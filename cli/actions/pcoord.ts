/** `we pcoord MODEL FILE...`: what DeepDriveMD's get_pcoord.sh printed, one row per frame, `%.4f` columns. */
import { embedFiles, loadModelPackage } from '../../plugins/pcoord-onnx/index.js';

/** Prints every frame of every file, in order; `modelDir` is a model package directory. */
export async function printPcoords(modelDir: string, files: string[]): Promise<void> {
  const pkg = await loadModelPackage(modelDir);
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
