/**
 * A set of fingerprints with the first row that had each, in typed arrays (about 12 bytes a row)
 * rather than a Set of 64-character strings, so 500,000 rows stay a few megabytes. Keys are the
 * first 64 bits of the sha256; a false "duplicate" would need a 64-bit collision (about 1 in 10^8
 * for 500,000 rows).
 */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private rows: Uint32Array; // 0 = empty slot
  private size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.rows = new Uint32Array(capacity);
  }

  /** Record `row` under `fingerprintHex`; returns the earlier row with the same one, or null. */
  addOrGet(fingerprintHex: string, row: number): number | null {
    const hi = Number.parseInt(fingerprintHex.slice(0, 8), 16) >>> 0;
    const lo = Number.parseInt(fingerprintHex.slice(8, 16), 16) >>> 0;
    if ((this.size + 1) * 2 > this.rows.length) this.grow();
    const mask = this.rows.length - 1;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const existing = this.rows[slot] as number;
      if (existing === 0) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.rows[slot] = row;
        this.size++;
        return null;
      }
      if (this.hi[slot] === hi && this.lo[slot] === lo) return existing;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { hi, lo, rows } = this;
    this.hi = new Uint32Array(rows.length * 2);
    this.lo = new Uint32Array(rows.length * 2);
    this.rows = new Uint32Array(rows.length * 2);
    this.size = 0;
    const mask = this.rows.length - 1;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as number;
      if (row === 0) continue;
      const h = hi[i] as number;
      const l = lo[i] as number;
      let slot = (l ^ Math.imul(h, 0x9e3779b1)) & mask;
      while (this.rows[slot] !== 0) slot = (slot + 1) & mask;
      this.hi[slot] = h;
      this.lo[slot] = l;
      this.rows[slot] = row;
      this.size++;
    }
  }
}
