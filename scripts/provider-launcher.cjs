'use strict';
// The provider's entry point (and the inventory server's): scripts/build-provider.mjs copies this next to the
// bundle it starts, filling in the bundle's file name and content hash. Terraform starts the provider 2-3
// times per command, and compiling the bundle was a large part of each start: this compiles it from V8's code cache when there is
// one for this exact bundle and Node, and writes one (once, at exit) when there is not. Without a cache, or
// when the folder is read-only, the provider starts as it would anyway, only slower.
const { readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { basename, dirname, join, resolve } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '__BUNDLE_FILE__');
const BUNDLE_HASH = '__BUNDLE_HASH__';
/** V8 checks its version and flags against a cache, but not the source text: the hash in the name does. */
const CACHE_PREFIX = `.${basename(BUNDLE)}.`;
const CACHE = join(__dirname, `${CACHE_PREFIX}${BUNDLE_HASH}.${process.version}.${process.arch}.v8cache`);

if (process.sourceMapsEnabled) {
  // --enable-source-maps: Node maps stack traces itself, for files it loads itself.
  require(BUNDLE);
} else {
  runFromCodeCache();
}

function runFromCodeCache() {
  const source = readFileSync(BUNDLE, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: BUNDLE, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) {
    // At exit the cache also holds every function the run compiled, not only the top level.
    process.once('exit', () => writeCache(script));
  }
  mapStackTracesLazily();
  const bundleModule = new Module(BUNDLE, module);
  bundleModule.filename = BUNDLE;
  bundleModule.paths = Module._nodeModulePaths(__dirname);
  const bundleRequire = Module.createRequire(BUNDLE);
  script.runInThisContext().call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, BUNDLE, __dirname);
}

function writeCache(script) {
  const temporary = `${CACHE}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    // Atomic: another provider process may be reading or writing the same cache.
    renameSync(temporary, CACHE);
    for (const name of readdirSync(__dirname)) {
      if (name.startsWith(CACHE_PREFIX) && name.endsWith('.v8cache') && join(__dirname, name) !== CACHE) unlinkSync(join(__dirname, name));
    }
  } catch {
    // A read-only installation: every start compiles, as without this launcher.
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was written
    }
  }
}

/**
 * Stack traces name lib/**.ts lines instead of bundle lines. The source map is read only when a stack
 * trace that passes through the bundle is formatted (a bug report), never on a normal start.
 */
function mapStackTracesLazily() {
  let sourceMap;
  let sourceRoot = '';
  const original = (line, column) => {
    if (sourceMap === undefined) {
      try {
        const payload = JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8'));
        sourceMap = new Module.SourceMap(payload);
        sourceRoot = dirname(BUNDLE);
      } catch {
        sourceMap = null;
      }
    }
    if (sourceMap === null) return undefined;
    const entry = sourceMap.findEntry(line - 1, column - 1);
    if (entry === undefined || entry.originalSource === undefined) return undefined;
    const file = entry.originalSource.startsWith('file://') ? entry.originalSource.slice(7) : resolve(sourceRoot, entry.originalSource);
    return `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  };
  Error.prepareStackTrace = (error, frames) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    const lines = frames.map((frame) => {
      // V8's own text for the frame (names, async, new), with the bundle's position replaced.
      const text = frame.toString();
      if (frame.getFileName() !== BUNDLE) return `    at ${text}`;
      const position = `${BUNDLE}:${frame.getLineNumber()}:${frame.getColumnNumber()}`;
      const mapped = original(frame.getLineNumber(), frame.getColumnNumber());
      return `    at ${mapped === undefined ? text : text.replace(position, mapped)}`;
    });
    return [header, ...lines].join('\n');
  };
}
