import { constants, createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/**
 * Workbooks built byte by byte, so that a test says exactly what is in the file: which parts, in which
 * order in the zip, stored or deflated, with which XML. Nothing here goes through exceljs.
 */

/** One part (a zip entry): its name in the zip, its bytes (text as UTF-8), deflated or stored. */
export interface Part {
  name: string;
  data: string | Buffer;
  /** Deflate it (the default); false stores it as it is. */
  deflate?: boolean;
  /** Write this as the uncompressed size in the headers instead of the real one (a lying entry). */
  claimedSize?: number;
  /** Mark the entry as encrypted (general-purpose flag bit 0). */
  encrypted?: boolean;
  /** Already deflated (see `repeatedPart`): `data` is the deflated body, these its inflated facts. */
  deflated?: { crc: number; rawSize: number };
}

/** A zip archive holding `parts` in the order given; `zip64` writes the end record as a ZIP64 archive's does. */
export function zipBytes(parts: Part[], { zip64 = false } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const raw = Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data, 'utf8');
    const deflate = part.deflate ?? true;
    const body = part.deflated ? raw : deflate ? deflateRawSync(raw) : raw;
    const name = Buffer.from(part.name, 'utf8');
    const facts = part.deflated ?? { crc: crc32(raw), rawSize: raw.length };
    const fields = { flags: 0x0800 | (part.encrypted ? 1 : 0), method: deflate ? 8 : 0, crc: facts.crc, size: body.length, rawSize: part.claimedSize ?? facts.rawSize };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    writeCommon(local, 6, fields);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    writeCommon(central, 8, fields);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : parts.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The fields a local header and a central directory entry share, from flags to uncompressed size. */
function writeCommon(b: Buffer, at: number, f: { flags: number; method: number; crc: number; size: number; rawSize: number }): void {
  b.writeUInt16LE(f.flags, at);
  b.writeUInt16LE(f.method, at + 2);
  b.writeUInt16LE(0, at + 4); // time
  b.writeUInt16LE(0x21, at + 6); // date: 1980-01-01
  b.writeUInt32LE(f.crc, at + 8);
  b.writeUInt32LE(f.size, at + 12);
  b.writeUInt32LE(f.rawSize, at + 16);
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface SheetSpec {
  name: string;
  state?: 'hidden' | 'veryHidden';
  /** The rows: `<row>` elements, as XML. */
  rows: string;
}

export interface BookSpec {
  sheets: SheetSpec[];
  /** The shared-string table: each string as text (escaped here), or an `<si>` element as XML when it starts with `<si`. */
  strings?: string[];
  /** `<numFmts>` and the `numFmtId` of each cell style (the `s` attribute is an index into these). */
  numFmts?: Record<number, string>;
  styles?: number[];
  date1904?: boolean;
}

/** Escapes text for XML content or an attribute. */
export const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A `<row>` of inline-string cells A, B, C … (`r` given), as the header row usually is. */
export function textRow(r: number, values: string[]): string {
  return `<row r="${r}">${values.map((v, i) => `<c r="${String.fromCharCode(65 + i)}${r}" t="inlineStr"><is><t>${xmlText(v)}</t></is></c>`).join('')}</row>`;
}

/** The parts of a workbook, keyed by role (so a test can put them in any order): the zip's names are the usual ones. */
export function bookParts(spec: BookSpec): Record<string, Part> {
  const parts: Record<string, Part> = {
    types: { name: '[Content_Types].xml', data: contentTypes(spec) },
    rels: { name: '_rels/.rels', data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    workbook: { name: 'xl/workbook.xml', data: workbookXml(spec) },
    workbookRels: { name: 'xl/_rels/workbook.xml.rels', data: workbookRels(spec) },
    styles: { name: 'xl/styles.xml', data: stylesXml(spec) },
  };
  if (spec.strings) parts.strings = { name: 'xl/sharedStrings.xml', data: sharedStringsXml(spec.strings) };
  spec.sheets.forEach((sheet, i) => {
    parts[`sheet${i + 1}`] = { name: `xl/worksheets/sheet${i + 1}.xml`, data: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${sheet.rows}</sheetData></worksheet>` };
  });
  return parts;
}

/** The workbook as a zip, its parts in the usual order (or in `order`, by role; roles not named follow). */
export function xlsxBytes(spec: BookSpec, order: string[] = []): Buffer {
  const parts = bookParts(spec);
  const roles = [...order, ...Object.keys(parts).filter((k) => !order.includes(k))];
  return zipBytes(roles.map((r) => parts[r]!));
}

/** Every order of the parts that matter to a reader: shared strings, styles and the workbook before, between and after the sheets. */
export function partOrders(sheetRoles: string[]): string[][] {
  const movable = ['strings', 'workbook', 'workbookRels', 'styles'];
  const orders: string[][] = [];
  const place = (done: string[], rest: string[]): void => {
    if (rest.length === 0) return void orders.push(done);
    const [role, ...others] = rest;
    for (let at = 0; at <= done.length; at++) place([...done.slice(0, at), role!, ...done.slice(at)], others);
  };
  place(['types', 'rels', ...sheetRoles], movable);
  return orders;
}

function contentTypes(spec: BookSpec): string {
  const sheets = spec.sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets}</Types>`;
}

function workbookXml(spec: BookSpec): string {
  const sheets = spec.sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ''} r:id="rId${i + 1}"/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">${spec.date1904 ? '<workbookPr date1904="1"/>' : '<workbookPr/>'}<sheets>${sheets}</sheets></workbook>`;
}

function workbookRels(spec: BookSpec): string {
  const n = spec.sheets.length;
  const sheets = spec.sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('');
  const strings = spec.strings ? `<Relationship Id="rId${n + 2}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` : '';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="${PKG_REL}">${sheets}<Relationship Id="rId${n + 1}" Type="${REL}/styles" Target="styles.xml"/>${strings}</Relationships>`;
}

function stylesXml(spec: BookSpec): string {
  const fmts = Object.entries(spec.numFmts ?? {});
  const numFmts = fmts.length ? `<numFmts count="${fmts.length}">${fmts.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${xmlText(code)}"/>`).join('')}</numFmts>` : '';
  const xfs = [0, ...(spec.styles ?? [])].map((id) => `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0"${id ? ' applyNumberFormat="1"' : ''}/>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="${MAIN}">${numFmts}<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="${(spec.styles?.length ?? 0) + 1}">${xfs}</cellXfs></styleSheet>`;
}

/** A shared-string table: plain strings become `<si><t>`, an `<si>` given as XML is kept as it is. */
export function sharedStringsXml(strings: string[]): string {
  const items = strings.map((s) => (s.startsWith('<si') ? s : `<si><t xml:space="preserve">${xmlText(s)}</t></si>`)).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${MAIN}" count="${strings.length}" uniqueCount="${strings.length}">${items}</sst>`;
}

/**
 * A deflated part whose text is `head`, then `unit` `count` times, then `tail` — built as a stream, so a
 * part that inflates to gigabytes (a bomb) costs the test a few megabytes.
 */
export async function repeatedPart(name: string, head: string, unit: string, count: number, tail: string): Promise<Part> {
  const deflater = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflater.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  let crc = 0;
  let rawSize = 0;
  const put = async (text: string) => {
    const b = Buffer.from(text, 'utf8');
    crc = crc32(b, crc);
    rawSize += b.length;
    if (!deflater.write(b)) await new Promise((resolve) => deflater.once('drain', resolve));
  };
  await put(head);
  const perChunk = Math.max(1, Math.floor((1 << 20) / Buffer.byteLength(unit)));
  const chunk = unit.repeat(perChunk);
  for (let left = count; left > 0; left -= perChunk) await put(left >= perChunk ? chunk : unit.repeat(left));
  await put(tail);
  deflater.end();
  await done;
  return { name, data: Buffer.concat(out), deflated: { crc: crc >>> 0, rawSize } };
}

/** The opening and closing of a shared-string table, for `repeatedPart`. */
export const SST_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${MAIN}">`;
export const SST_TAIL = '</sst>';
/** The opening and closing of a sheet, for `repeatedPart`. */
export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';
