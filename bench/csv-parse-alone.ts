import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

/** The baseline: csv-parse's own streaming parse of the same file, counting records. */
const file = process.argv[2]!;
const started = performance.now();
let records = 0;
for await (const _ of createReadStream(file).pipe(parse({ delimiter: ',' }))) records++;
process.stdout.write(JSON.stringify({ records, ms: performance.now() - started, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
