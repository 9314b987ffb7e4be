/**
 * Numbers by position for a million records, in pieces of 65,536: growing copies nothing and holds no
 * room for as many again (issue 22 goal 4). Read only what was set.
 */
export class Column<A extends Float64Array | Int32Array> {
  private readonly pieces: A[] = [];
  constructor(private readonly make: (length: number) => A) {}
  get(n: number): number {
    return this.pieces[n >>> 16]![n & 0xffff]!;
  }
  set(n: number, value: number): void {
    while (n >>> 16 >= this.pieces.length) this.pieces.push(this.make(1 << 16));
    this.pieces[n >>> 16]![n & 0xffff] = value;
  }
}
