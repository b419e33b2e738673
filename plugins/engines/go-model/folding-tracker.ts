import { nativeContactFraction, type GoModel } from './go-model.js';

/**
 * Folding statistics of a trajectory observed frame by frame: the fraction of frames with Q >= `foldedAt`, and
 * fold/unfold events counted with hysteresis (a chain must reach Q <= `unfoldedAt` to count as unfolded and
 * Q >= `foldedAt` again to count as refolded), so that contacts flickering at one threshold are not events.
 */
export class FoldingTracker {
  frames = 0;
  foldedFrames = 0;
  events = 0;
  private folded: boolean;

  constructor(
    private readonly model: GoModel,
    startsFolded: boolean,
    private readonly foldedAt = 0.7,
    private readonly unfoldedAt = 0.3,
  ) {
    this.folded = startsFolded;
  }

  observe(positions: ArrayLike<number>): void {
    const q = nativeContactFraction(this.model, positions);
    this.frames++;
    if (q >= this.foldedAt) this.foldedFrames++;
    if (this.folded ? q <= this.unfoldedAt : q >= this.foldedAt) {
      this.folded = !this.folded;
      this.events++;
    }
  }

  get foldedFraction(): number {
    return this.frames === 0 ? 0 : this.foldedFrames / this.frames;
  }
}
