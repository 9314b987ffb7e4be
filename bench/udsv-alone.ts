import { createReadStream } from 'node:fs';
import { inferSchema, initParser } from 'udsv';

/** A reference: uDSV (among the fastest CSV parsers in JavaScript), streamed, each row an array of strings, counted. */
let records = 0;
let parser: ReturnType<typeof initParser> | undefined;
for await (const chunk of createReadStream(process.argv[2]!, { encoding: 'utf8' })) {
  parser ??= initParser(inferSchema(chunk as string));
  parser.chunk<string[]>(chunk as string, parser.stringArrs as never, () => {
    records++;
  });
}
parser?.end();
process.stdout.write(`${records}\n`);
