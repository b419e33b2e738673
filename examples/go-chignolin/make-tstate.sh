#!/bin/bash
# Writes TSTATE: the folded target is the bin holding the native structure's latent point under the configured
# autoencoder (../../models/chignolin-aae). Rerun whenever that model is retrained. Run after `npm run build`.
set -e
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
node --input-type=module -e "
import { loadModelPackage, embedFiles } from './dist/plugins/pcoord-onnx/index.js';
const pkg = await loadModelPackage('models/chignolin-aae', { ndim: 2 });
const [point] = await embedFiles(pkg, ['examples/go-chignolin/native.pdb']);
await pkg.close();
console.log('# label pcoord_1 pcoord_2 (latent point of native.pdb)');
console.log('folded ' + Array.from(point, (x) => x.toFixed(4)).join(' '));
" > "$here/TSTATE"
cat "$here/TSTATE"
