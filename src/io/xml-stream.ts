import { SaxesParser } from 'saxes';
import { MAX_RECORD_BYTES } from './csv.js';
import { WorkbookFault } from './zip.js';

/** What a part's XML is told to: elements by their local name (a `x:` prefix dropped), and text. */
export interface XmlHandler {
  open(name: string, attributes: Record<string, string>): void;
  close(name: string): void;
  text(text: string): void;
}

/** Deeper than this, XML is not a workbook's. */
const MAX_DEPTH = 64;
/** More attributes on one element than any workbook part has. */
const MAX_ATTRIBUTES = 1000;
/**
 * Input read with no XML event at all: the parser is holding one token (a text, a tag, a comment) that
 * long. A cell's text may be as long as a record (16 MB); past that (and a chunk), the part is refused.
 */
const MAX_TOKEN = MAX_RECORD_BYTES + 1024 * 1024;

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/**
 * Streams a part's XML (UTF-8) through saxes, telling `handler` its elements and text. Yields after
 * each chunk, so the caller can pass on what the handler gathered. Memory stays bounded: no token may
 * grow past MAX_TOKEN, nesting past MAX_DEPTH, an element's attributes past MAX_ATTRIBUTES; a DTD is
 * refused (no entity of the document's own is ever expanded). Malformed XML is a WorkbookFault naming the part.
 */
export async function* streamXml(part: string, chunks: AsyncIterable<Buffer>, handler: XmlHandler): AsyncGenerator<void> {
  const parser = new SaxesParser({ position: false });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let depth = 0;
  let events = 0;
  parser.on('opentag', (tag) => {
    events++;
    if (++depth > MAX_DEPTH) throw new WorkbookFault(`part ${part} nests elements more than ${MAX_DEPTH} deep`, 'malformed_csv');
    handler.open(localName(tag.name), tag.attributes as Record<string, string>);
  });
  parser.on('closetag', (tag) => {
    events++;
    depth--;
    handler.close(localName(tag.name));
  });
  parser.on('text', (text) => {
    events++;
    handler.text(text);
  });
  parser.on('cdata', (text) => {
    events++;
    handler.text(text);
  });
  parser.on('error', (error) => {
    throw new WorkbookFault(`part ${part} is not well-formed XML (${error.message})`, 'malformed_csv');
  });
  parser.on('doctype', () => {
    throw new WorkbookFault(`part ${part} declares a DTD, which no workbook has`, 'malformed_csv');
  });
  let quiet = 0; // characters written since an event was last seen
  try {
    for await (const chunk of chunks) {
      const text = decoder.decode(chunk, { stream: true });
      const before = events;
      parser.write(text);
      quiet = events === before ? quiet + text.length : 0;
      if (quiet > MAX_TOKEN) throw new WorkbookFault(`part ${part} holds a value or tag longer than ${MAX_RECORD_BYTES / 1024 / 1024} MB`, 'too_large', 'a cell holds at most 16 MB; export the sheet as CSV to see which');
      if ((parser as unknown as { attribList: unknown[] }).attribList.length > MAX_ATTRIBUTES) throw new WorkbookFault(`part ${part} has an element with more than ${MAX_ATTRIBUTES} attributes`, 'malformed_csv');
      yield;
    }
    parser.write(decoder.decode());
    parser.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw new WorkbookFault(`part ${part} is not UTF-8`, 'malformed_csv');
    throw error;
  }
}
