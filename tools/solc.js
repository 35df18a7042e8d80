#!/usr/bin/env node
// A stand-in for the native `solc` command line, backed by solc-js (the npm `solc` package).
//
// Native solc binaries cannot be downloaded on every machine; solc-js installs from npm and
// works offline. This script answers the subset of the solc CLI that py-solc-x, Brownie and
// Slither use:
//   solc --version
//   solc --standard-json [FILE] [--base-path P] [--include-path P]... [--allow-paths P,...]
// Imports are resolved from the base path, then each include path, then node_modules.
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

function usage(message) {
  process.stderr.write(`solc (solc-js stand-in): ${message}\n`);
  process.exitCode = 1;
}

function parseArgs(argv) {
  const opts = { includePaths: [], basePath: null, standardJson: false, version: false, file: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inlineValue] = arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => (inlineValue !== undefined ? inlineValue : argv[++i]);
    switch (flag) {
      case "--version":
        opts.version = true;
        break;
      case "--standard-json":
        opts.standardJson = true;
        break;
      case "--base-path":
        opts.basePath = value();
        break;
      case "--include-path":
        opts.includePaths.push(value());
        break;
      case "--allow-paths":
        value(); // solc-js reads through our callback, which only reads below the search roots
        break;
      case "--pretty-json":
      case "--no-color":
        break;
      default:
        if (flag.startsWith("-")) {
          throw new Error(`unsupported option ${flag}`);
        }
        opts.file = arg;
    }
  }
  return opts;
}

function versionString() {
  // solc-js reports "0.8.x+commit.<hash>.Emscripten.clang"; tools parse the native form.
  const full = solc.version();
  const match = /^(\d+\.\d+\.\d+)\+commit\.([0-9a-f]+)/.exec(full);
  return match ? `${match[1]}+commit.${match[2]}.Linux.g++` : full;
}

function makeImportCallback(roots) {
  return function findImport(importPath) {
    for (const root of roots) {
      const candidate = path.resolve(root, importPath);
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, "utf8") };
      }
    }
    return { error: `File not found in ${roots.join(", ")}: ${importPath}` };
  };
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    usage(err.message);
    return;
  }
  if (opts.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${versionString()}\n`);
    return;
  }
  if (!opts.standardJson) {
    usage("only --version and --standard-json are supported");
    return;
  }
  const input = opts.file ? fs.readFileSync(opts.file, "utf8") : fs.readFileSync(0, "utf8");
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths, path.join(process.cwd(), "node_modules")];
  const output = solc.compile(input, { import: makeImportCallback(roots) });
  // Let Node flush stdout on its own: an explicit process.exit() can cut a large JSON short.
  process.stdout.write(output + "\n");
}

main();
