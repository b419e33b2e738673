import { readInput } from './read-input.js';
import { NetCDFReader } from 'netcdfjs';
import type { Variable } from 'netcdfjs';
import { WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import { checkFinite, resolveAtoms } from './frame-checks.js';
import type { ReadFramesOptions } from './options.js';

/** NetCDF classic's numrecs value for a file still being written ("streaming"): count records from the size. */
const STREAMING = 0xffffffff;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ELEMENT_BYTES: Record<string, number> = { float: 4, double: 8 };

export async function readAmberNetcdf(path: string, options: ReadFramesOptions = {}): Promise<Frames> {
  return parseAmberNetcdf(await readInput(path), path, options);
}

/**
 * Reads an AMBER NetCDF trajectory (Conventions "AMBER") or restart ("AMBERRESTART"), NetCDF-3 classic or
 * 64-bit offset. netcdfjs parses the header; coordinates are read straight from the bytes, since its generic
 * per-value arrays would cost far more than the frames themselves.
 */
export function parseAmberNetcdf(bytes: Uint8Array, source: string, options: ReadFramesOptions = {}): Frames {
  if (HDF5_SIGNATURE.every((b, i) => bytes[i] === b)) {
    throw new WeError(
      'is a NetCDF-4 (HDF5-based) file, which is not supported; write AMBER NetCDF-3 (e.g. cpptraj "netcdf" ' +
        'without "hdf5", or MDAnalysis NCDFWriter) instead',
      source,
    );
  }
  let reader: NetCDFReader;
  try {
    reader = new NetCDFReader(bytes);
  } catch (error) {
    throw new WeError(`not a readable NetCDF-3 file (${(error as Error).message})`, source);
  }

  const conventions = String(reader.getAttribute('Conventions') ?? '').split(/[\s,]+/);
  const isRestart = conventions.includes('AMBERRESTART');
  if (!conventions.includes('AMBER') && !isRestart) {
    throw new WeError(`global attribute Conventions is "${conventions.join(',')}", expected "AMBER" or "AMBERRESTART"`, source);
  }
  const coordinates = reader.variables.find((v) => v.name === 'coordinates');
  if (!coordinates) throw new WeError('has no "coordinates" variable', source);
  const dimensions = coordinates.dimensions.map((id) => reader.dimensions[id]);
  const expectedDims = isRestart ? ['atom', 'spatial'] : ['frame', 'atom', 'spatial'];
  const dimNames = dimensions.map((d) => d.name);
  if (dimNames.join() !== expectedDims.join()) {
    throw new WeError(`variable coordinates has dimensions (${dimNames.join(', ')}), expected (${expectedDims.join(', ')})`, source);
  }
  const spatial = dimensions[dimensions.length - 1].size;
  if (spatial !== 3) throw new WeError(`dimension spatial is ${spatial}, expected 3`, source);
  const elementBytes = ELEMENT_BYTES[coordinates.type];
  if (!elementBytes) throw new WeError(`variable coordinates has type ${coordinates.type}, expected float or double`, source);
  const attributes = attributesOf(coordinates);
  const units = String(attributes.get('units') ?? '').trim();
  if (units !== 'angstrom') throw new WeError(`variable coordinates has units "${units}", expected "angstrom"`, source);
  const scaleFactor = Number(attributes.get('scale_factor') ?? 1);

  const nAtomsInFile = dimensions[dimensions.length - 2].size;
  const atoms = resolveAtoms(source, nAtomsInFile, options);
  const frameBytes = nAtomsInFile * 3 * elementBytes;
  const step = isRestart ? frameBytes : (reader.recordDimension.recordStep ?? frameBytes);
  const nFrames = isRestart ? 1 : frameCount(reader.recordDimension.length, coordinates.offset, step, frameBytes, bytes.byteLength);
  checkComplete(source, nFrames, coordinates.offset, step, frameBytes, bytes.byteLength);

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = elementBytes === 4 ? (at: number) => view.getFloat32(at, false) : (at: number) => view.getFloat64(at, false);
  const nOut = atoms.length;
  const xyz = new Float32Array(nFrames * nOut * 3);
  for (let f = 0; f < nFrames; f++) {
    const frameStart = coordinates.offset + f * step;
    for (let j = 0; j < nOut; j++) {
      const from = frameStart + atoms[j] * 3 * elementBytes;
      const to = (f * nOut + j) * 3;
      for (let axis = 0; axis < 3; axis++) xyz[to + axis] = read(from + axis * elementBytes) * scaleFactor;
    }
  }
  const frames = { nFrames, nAtoms: nOut, xyz };
  checkFinite(source, frames, atoms);
  return frames;
}

function attributesOf(variable: Variable): Map<string, string | number> {
  // netcdfjs types a variable's attributes as an empty tuple; at run time they are { name, type, value }.
  const list = variable.attributes as unknown as { name: string; value: string | number }[];
  return new Map(list.map((a) => [a.name, a.value]));
}

function frameCount(numrecs: number, offset: number, step: number, frameBytes: number, fileBytes: number): number {
  if (numrecs !== STREAMING) return numrecs;
  return fileBytes < offset + frameBytes ? 0 : Math.floor((fileBytes - offset - frameBytes) / step) + 1;
}

function checkComplete(source: string, nFrames: number, offset: number, step: number, frameBytes: number, fileBytes: number): void {
  if (nFrames === 0 || offset + (nFrames - 1) * step + frameBytes <= fileBytes) return;
  const firstIncomplete = fileBytes < offset + frameBytes ? 0 : Math.floor((fileBytes - offset - frameBytes) / step) + 1;
  const start = offset + firstIncomplete * step;
  throw new WeError(
    `frame ${firstIncomplete + 1} of ${nFrames} is truncated: its coordinates need ${frameBytes} bytes from byte ${start}, ` +
      `${Math.max(0, fileBytes - start)} found`,
    source,
  );
}
