/**
 * Bond angles and dihedrals of atoms in a flat xyz array, with their gradients. Shared by the model builder
 * (native values) and the force routine (so both use one sign convention for dihedrals).
 */

/** Angle i-j-k in radians. When `grad` is given, writes dθ/dx for atoms i, j, k into grad[0..8]. */
export function bondAngle(x: ArrayLike<number>, i: number, j: number, k: number, grad?: Float64Array): number {
  const ux = x[3 * i] - x[3 * j];
  const uy = x[3 * i + 1] - x[3 * j + 1];
  const uz = x[3 * i + 2] - x[3 * j + 2];
  const vx = x[3 * k] - x[3 * j];
  const vy = x[3 * k + 1] - x[3 * j + 1];
  const vz = x[3 * k + 2] - x[3 * j + 2];
  const uu = ux * ux + uy * uy + uz * uz;
  const vv = vx * vx + vy * vy + vz * vz;
  const norm = Math.sqrt(uu * vv);
  const cos = Math.min(1, Math.max(-1, (ux * vx + uy * vy + uz * vz) / norm));
  const theta = Math.acos(cos);
  if (grad) {
    // dθ/du = -(v/(|u||v|) - cos·u/|u|²) / sinθ; a floor on sinθ keeps a straightened chain finite.
    const inv = -1 / Math.max(Math.sqrt(1 - cos * cos), 1e-8);
    const gix = inv * (vx / norm - (cos * ux) / uu);
    const giy = inv * (vy / norm - (cos * uy) / uu);
    const giz = inv * (vz / norm - (cos * uz) / uu);
    const gkx = inv * (ux / norm - (cos * vx) / vv);
    const gky = inv * (uy / norm - (cos * vy) / vv);
    const gkz = inv * (uz / norm - (cos * vz) / vv);
    grad[0] = gix;
    grad[1] = giy;
    grad[2] = giz;
    grad[3] = -gix - gkx;
    grad[4] = -giy - gky;
    grad[5] = -giz - gkz;
    grad[6] = gkx;
    grad[7] = gky;
    grad[8] = gkz;
  }
  return theta;
}

/**
 * Dihedral i-j-k-l in radians, (-π, π], IUPAC sign. When `grad` is given, writes dφ/dx for atoms i, j, k, l
 * into grad[0..11] (Blondel & Karplus 1996, which stays finite away from collinear triples).
 */
export function dihedral(x: ArrayLike<number>, i: number, j: number, k: number, l: number, grad?: Float64Array): number {
  // F = xi - xj, G = xj - xk, H = xl - xk; A = F × G, B = H × G.
  const fx = x[3 * i] - x[3 * j];
  const fy = x[3 * i + 1] - x[3 * j + 1];
  const fz = x[3 * i + 2] - x[3 * j + 2];
  const gx = x[3 * j] - x[3 * k];
  const gy = x[3 * j + 1] - x[3 * k + 1];
  const gz = x[3 * j + 2] - x[3 * k + 2];
  const hx = x[3 * l] - x[3 * k];
  const hy = x[3 * l + 1] - x[3 * k + 1];
  const hz = x[3 * l + 2] - x[3 * k + 2];
  const ax = fy * gz - fz * gy;
  const ay = fz * gx - fx * gz;
  const az = fx * gy - fy * gx;
  const bx = hy * gz - hz * gy;
  const by = hz * gx - hx * gz;
  const bz = hx * gy - hy * gx;
  const gNorm = Math.sqrt(gx * gx + gy * gy + gz * gz);
  const cosTerm = ax * bx + ay * by + az * bz;
  // (B × A) · G / |G|
  const sinTerm = ((by * az - bz * ay) * gx + (bz * ax - bx * az) * gy + (bx * ay - by * ax) * gz) / gNorm;
  const phi = Math.atan2(sinTerm, cosTerm);
  if (grad) {
    const aa = ax * ax + ay * ay + az * az;
    const bb = bx * bx + by * by + bz * bz;
    const fg = fx * gx + fy * gy + fz * gz;
    const hg = hx * gx + hy * gy + hz * gz;
    const sA = -gNorm / aa;
    const sB = gNorm / bb;
    const tA = fg / (aa * gNorm);
    const tB = hg / (bb * gNorm);
    for (let d = 0; d < 3; d++) {
      const a = d === 0 ? ax : d === 1 ? ay : az;
      const b = d === 0 ? bx : d === 1 ? by : bz;
      grad[d] = sA * a;
      grad[3 + d] = -sA * a + tA * a - tB * b;
      grad[6 + d] = -sB * b - tA * a + tB * b;
      grad[9 + d] = sB * b;
    }
  }
  return phi;
}
