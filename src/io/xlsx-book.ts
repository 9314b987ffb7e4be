import { posix } from 'node:path';
import { isDateFormat, unescapeExcel } from './xlsx-cells.js';
import { streamXml, type XmlHandler } from './xml-stream.js';
import { WorkbookFault, type Zip, type ZipEntry } from './zip.js';

/** One sheet as the workbook lists it, in tab order. */
export interface SheetInfo {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** Its part in the zip; undefined for a sheet that holds no cells (a chart sheet) or whose part is missing. */
  part: string | undefined;
}

export interface Book {
  sheets: SheetInfo[];
  date1904: boolean;
  /** Where the shared strings and the styles are, when the workbook has them. */
  stringsPart: string | undefined;
  stylesPart: string | undefined;
}

/** The workbook's small parts (its list of sheets, relationships, styles) are read whole, up to this. */
const MAX_META_BYTES = 16 * 1024 * 1024;
/**
 * The shared strings are held in memory while the sheet is read: at most this many, holding at most
 * this much text (characters). Excel's own limit is 32,767 characters a cell.
 */
export const MAX_SHARED_STRINGS = 2_000_000;
export const MAX_SHARED_TEXT = 64 * 1024 * 1024;

const REL_TYPE = /\/(officeDocument|worksheet|sharedStrings|styles)$/;

/** Runs a part's XML through `handler` to its end. */
export async function readXml(zip: Zip, entry: ZipEntry, limit: number, handler: XmlHandler): Promise<void> {
  for await (const _ of streamXml(entry.name, zip.read(entry, limit), handler));
}

function need(zip: Zip, name: string, what: string): ZipEntry {
  const entry = zip.entry(name);
  if (!entry) throw new WorkbookFault(`the workbook has no ${what} (part ${name})`, 'malformed_csv');
  return entry;
}

/** A relationships part: each target (a part name, resolved against `base`'s folder) by id, with its type's last word. */
async function readRels(zip: Zip, name: string, base: string): Promise<Map<string, { type: string; part: string | undefined }>> {
  const rels = new Map<string, { type: string; part: string | undefined }>();
  const entry = zip.entry(name);
  if (!entry) return rels;
  await readXml(zip, entry, MAX_META_BYTES, {
    open(tag, a) {
      if (tag !== 'Relationship' || !a.Id || !a.Target) return;
      const type = REL_TYPE.exec(a.Type ?? '')?.[1] ?? '';
      // A part name inside the package, never a path on disk: `..` past the package's root finds no part.
      const part = a.TargetMode === 'External' ? undefined : a.Target.startsWith('/') ? a.Target.slice(1) : posix.normalize(posix.join(posix.dirname(base), a.Target));
      rels.set(a.Id, { type, part: part?.startsWith('../') ? undefined : part });
    },
    close() {},
    text() {},
  });
  return rels;
}

/** The workbook's sheets (names, states, parts), its date system, and where its strings and styles are. */
export async function readBook(zip: Zip): Promise<Book> {
  const root = await readRels(zip, '_rels/.rels', '');
  const main = [...root.values()].find((r) => r.type === 'officeDocument')?.part ?? 'xl/workbook.xml';
  const rels = await readRels(zip, posix.join(posix.dirname(main), '_rels', `${posix.basename(main)}.rels`), main);
  const book: Book = { sheets: [], date1904: false, stringsPart: undefined, stylesPart: undefined };
  for (const rel of rels.values()) {
    if (rel.type === 'sharedStrings') book.stringsPart ??= rel.part;
    if (rel.type === 'styles') book.stylesPart ??= rel.part;
  }
  await readXml(zip, need(zip, main, 'list of sheets'), MAX_META_BYTES, {
    open(tag, a) {
      if (tag === 'workbookPr') book.date1904 = a.date1904 === '1' || a.date1904 === 'true';
      if (tag !== 'sheet') return;
      const id = Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1] ?? a.id;
      const rel = id === undefined ? undefined : rels.get(id);
      const state = a.state === 'hidden' || a.state === 'veryHidden' ? a.state : 'visible';
      book.sheets.push({ name: a.name ?? '', state, part: rel?.type === 'worksheet' ? rel.part : undefined });
    },
    close() {},
    text() {},
  });
  return book;
}

/** For each cell style (the `s` of a cell), whether its number format shows a date. */
export async function readDateStyles(zip: Zip, part: string | undefined): Promise<boolean[]> {
  const entry = part === undefined ? undefined : zip.entry(part);
  if (!entry) return [];
  const custom = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  await readXml(zip, entry, MAX_META_BYTES, {
    open(tag, a) {
      if (tag === 'numFmt' && a.numFmtId !== undefined) custom.set(Number(a.numFmtId), a.formatCode ?? '');
      else if (tag === 'cellXfs') inCellXfs = true;
      else if (tag === 'xf' && inCellXfs) formats.push(Number(a.numFmtId ?? 0));
    },
    close(tag) {
      if (tag === 'cellXfs') inCellXfs = false;
    },
    text() {},
  });
  return formats.map((id) => isDateFormat(id, custom));
}

/**
 * The shared-string table, each string's text as a person sees it: its runs joined, phonetic guides
 * (`<rPh>`) left out, Excel's `_xHHHH_` escapes decoded. Bounded: more than MAX_SHARED_STRINGS strings
 * or MAX_SHARED_TEXT characters is a fatal `too_large`.
 */
export async function readSharedStrings(zip: Zip, part: string | undefined): Promise<string[]> {
  const entry = part === undefined ? undefined : zip.entry(part);
  if (!entry) return [];
  const strings: string[] = [];
  let total = 0;
  let current = '';
  let inText = false;
  let phonetic = 0;
  const tooMany = (what: string) => new WorkbookFault(`the workbook's shared strings hold more than ${what}`, 'too_large', 'a workbook of people holds far less; if this one is genuine, export the sheet as CSV');
  await readXml(zip, entry, Infinity, {
    open(tag) {
      if (tag === 't') inText = phonetic === 0;
      else if (tag === 'rPh') phonetic++;
      else if (tag === 'si') current = '';
    },
    close(tag) {
      if (tag === 't') inText = false;
      else if (tag === 'rPh') phonetic--;
      else if (tag === 'si') {
        if (strings.length === MAX_SHARED_STRINGS) throw tooMany(`${MAX_SHARED_STRINGS.toLocaleString('en')} strings`);
        strings.push(unescapeExcel(current));
        current = '';
      }
    },
    text(text) {
      if (!inText) return;
      total += text.length;
      if (total > MAX_SHARED_TEXT) throw tooMany(`${MAX_SHARED_TEXT / 1024 / 1024} MB of text`);
      current += text;
    },
  });
  return strings;
}
