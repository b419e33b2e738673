/** `we extract ITER SEG [FILE]`: one segment file from the per-node indexed tars, read by seeking, not scanning. */
import { basename, dirname, resolve } from 'node:path';
import { extractCommand as readSegmentOutputs } from '../../plugins/staging/extract-command.js';
import { looksBinary, writeBinary } from '../binary-output.js';

export async function extract(configPath: string, iteration: number, segment: number, file?: string): Promise<void> {
  const result = await readSegmentOutputs(dirname(resolve(configPath)), iteration, segment, file);
  if (result.kind === 'list') {
    console.error(`# ${result.source}`);
    for (const name of result.files) console.log(name);
  } else if (looksBinary(result.data)) {
    writeBinary(result.data, result.file, `we extract ${iteration} ${segment} ${result.file} > ${basename(result.file)}`);
  } else {
    process.stdout.write(result.data);
  }
}
