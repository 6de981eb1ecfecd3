/**
 * Sample-rate conversion with a Kaiser-windowed sinc low-pass (polyphase): the cut-off sits at
 * 95 % of the lower Nyquist frequency and the stop band is ~70 dB down, so a 44.1 kHz file
 * brought to 8 kHz keeps speech up to ~3.6 kHz and does not fold anything above 4 kHz back into
 * the band (a naive decimator turns a 6 kHz hiss into a 2 kHz whistle).
 *
 * The ratio is reduced to L/M (44100 → 8000 is 80/441); each of the L phases has its own row of
 * taps, computed once per converter. Ratios with more than MAX_PHASES phases (odd rates) use
 * MAX_PHASES rows and interpolate between neighbouring rows. `Resampler` converts a stream in
 * pieces (the MP3 decoder hands out chunks), `resample` a whole buffer.
 *
 * @example
 * const narrow = resample(wide, 44100, 8000);
 */
const ZERO_CROSSINGS = 48;
const KAISER_BETA = 6.76; // ≈ 70 dB stop band
const CUTOFF = 0.95;
const MAX_PHASES = 1024;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The zeroth-order modified Bessel function of the first kind, by its series. */
function bessel0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

interface Filter {
  /** Rows of taps, one per phase (plus a last row equal to phase 0 shifted, for interpolation). */
  rows: Float32Array[];
  /** Taps per row; a row covers inputs `q − half + 1 .. q + half`. */
  half: number;
  /** Phases per input sample actually tabulated. */
  phases: number;
}

function design(from: number, to: number, phases: number): Filter {
  const scale = Math.min(1, to / from);
  const cutoff = 0.5 * CUTOFF * scale; // cycles per input sample
  const radius = ZERO_CROSSINGS / (2 * cutoff); // input samples each side
  const half = Math.ceil(radius);
  const norm = bessel0(KAISER_BETA);
  const rows: Float32Array[] = [];
  for (let phase = 0; phase <= phases; phase++) {
    const offset = phase / phases; // output time − q, in input samples
    const row = new Float32Array(2 * half);
    let sum = 0;
    for (let j = 0; j < 2 * half; j++) {
      const x = offset - (j - half + 1); // output time − input index
      const ratio = x / radius;
      let value = 0;
      if (Math.abs(ratio) < 1) {
        const arg = 2 * cutoff * x;
        const sinc = arg === 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
        value = 2 * cutoff * sinc * (bessel0(KAISER_BETA * Math.sqrt(1 - ratio * ratio)) / norm);
      }
      row[j] = value;
      sum += value;
    }
    for (let j = 0; j < row.length; j++) row[j] = (row[j] as number) / sum;
    rows.push(row);
  }
  return { rows, half, phases };
}

/** A streaming converter: `push` pieces in order, then `flush` once for the tail. */
export class Resampler {
  private readonly up: number;
  private readonly down: number;
  private readonly filter: Filter | undefined;
  /** Input kept: the last samples seen, starting at absolute index `base`. */
  private history = new Float32Array(0);
  private base = 0;
  /** Input samples seen so far. */
  private received = 0;
  /** Output samples produced so far. */
  private produced = 0;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    if (!(fromRate > 0 && toRate > 0 && Number.isInteger(fromRate) && Number.isInteger(toRate)))
      throw new RangeError(`sample rates must be positive integers (${fromRate} → ${toRate})`);
    const divisor = gcd(fromRate, toRate);
    this.up = toRate / divisor;
    this.down = fromRate / divisor;
    this.filter = fromRate === toRate ? undefined : design(fromRate, toRate, Math.min(this.up, MAX_PHASES));
  }

  push(input: Float32Array): Float32Array {
    return this.run(input, false);
  }

  flush(): Float32Array {
    return this.run(new Float32Array(0), true);
  }

  private run(input: Float32Array, final: boolean): Float32Array {
    if (!this.filter) return input.slice();
    const { rows, half, phases } = this.filter;
    const joined = new Float32Array(this.history.length + input.length);
    joined.set(this.history);
    joined.set(input, this.history.length);
    this.received += input.length;
    // Output n sits at input time n·M/L = q + r/L; it needs inputs up to q + half.
    const total = final ? Math.ceil((this.received * this.up) / this.down) : Number.POSITIVE_INFINITY;
    const out = new Float32Array(Math.max(0, Math.ceil((this.received * this.up) / this.down) - this.produced + 1));
    let count = 0;
    for (;;) {
      const n = this.produced;
      if (n >= total) break;
      const position = n * this.down;
      const q = Math.floor(position / this.up);
      if (!final && q + half > this.received - 1) break;
      const r = position - q * this.up;
      const start = q - half + 1 - this.base;
      let value = 0;
      if (phases === this.up) {
        value = dot(rows[r] as Float32Array, joined, start);
      } else {
        const exact = (r * phases) / this.up;
        const lower = Math.floor(exact);
        const weight = exact - lower;
        value =
          (1 - weight) * dot(rows[lower] as Float32Array, joined, start) +
          weight * dot(rows[lower + 1] as Float32Array, joined, start);
      }
      out[count++] = value;
      this.produced++;
    }
    // Keep what the next outputs may still reach back to.
    const nextQ = Math.floor((this.produced * this.down) / this.up);
    const keepFrom = Math.max(this.base, nextQ - half + 1);
    this.history = joined.slice(keepFrom - this.base);
    this.base = keepFrom;
    return out.subarray(0, count);
  }
}

/** Σ row[j]·input[start + j], inputs outside the buffer counting as silence. */
function dot(row: Float32Array, input: Float32Array, start: number): number {
  const from = Math.max(0, -start);
  const to = Math.min(row.length, input.length - start);
  // Four partial sums: independent additions the CPU can overlap.
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let j = from;
  for (; j + 3 < to; j += 4) {
    const at = start + j;
    a += (row[j] as number) * (input[at] as number);
    b += (row[j + 1] as number) * (input[at + 1] as number);
    c += (row[j + 2] as number) * (input[at + 2] as number);
    d += (row[j + 3] as number) * (input[at + 3] as number);
  }
  for (; j < to; j++) a += (row[j] as number) * (input[start + j] as number);
  return a + b + c + d;
}

/** Converts a whole buffer from one rate to another. */
export function resample(pcm: Float32Array, fromRate: number, toRate: number): Float32Array {
  const resampler = new Resampler(fromRate, toRate);
  const body = resampler.push(pcm);
  const tail = resampler.flush();
  const out = new Float32Array(body.length + tail.length);
  out.set(body);
  out.set(tail, body.length);
  return out;
}
