#!/usr/bin/env node
// Loads the built CLI (npm ci runs the build through the `prepare` script).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
