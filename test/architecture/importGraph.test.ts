/**
 * The layers of docs/architecture.md, read from the code: every relative import of every file under
 * lib/ and constructs/ (static, dynamic and `export ... from`), checked against which room may use which.
 * A file that reaches up a layer, or into another resource's internals, fails here with its line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

/** Which rooms each room may import (besides itself). Lower rooms never import higher ones. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  constructs: [],
  'lib/cli': [
    'lib/docs',
    'lib/engine',
    'lib/provider',
    'lib/resources',
    'lib/framework',
    'lib/scheduler',
    'lib/inventory',
    'lib/backends',
    'lib/lab',
    'lib/util',
  ],
  'lib/engine': ['lib/scheduler', 'lib/inventory', 'lib/backends', 'lib/util'],
  'lib/docs': ['lib/resources', 'lib/framework', 'lib/util'],
  'lib/provider': ['lib/resources', 'lib/framework', 'lib/util'],
  'lib/resources': ['lib/scheduler', 'lib/inventory', 'lib/backends', 'lib/framework', 'lib/util'],
  'lib/scheduler': ['lib/inventory', 'lib/util'],
  'lib/inventory': ['lib/backends', 'lib/util'],
  'lib/framework': ['lib/util'],
  'lib/backends': ['lib/util'],
  'lib/lab': ['lib/backends', 'lib/util'],
  'lib/util': [],
};

/** Inside lib/resources: the two rooms every resource may use, and which of them may use the other. */
const RESOURCE_BASE_ROOMS = ['context', 'shared'];

interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .filter((imported) => imported.fileName.startsWith('.'))
    .map((imported) => ({
      from: file,
      to: relative(ROOT, resolve(ROOT, dirname(file), imported.fileName)).replace(/\.js$/, '.ts'),
      line: ts.getLineAndCharacterOfPosition(ts.createSourceFile(file, text, ts.ScriptTarget.Latest), imported.pos).line + 1,
    }));
}

/** The layer a path belongs to: constructs, or lib/<room>. */
function layerOf(path: string): string {
  const [top, room] = path.split('/');
  return top === 'lib' ? `lib/${room}` : (top ?? path);
}

/** lib/resources/<room>/... -> <room>; files directly in lib/resources/ -> '' (the provider's registry). */
function resourceRoomOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'lib' || parts[1] !== 'resources') return undefined;
  return parts.length > 3 ? parts[2] : '';
}

const edges = [...sourceFiles('lib'), ...sourceFiles('constructs')].flatMap(importsOf);
const where = (edge: ImportEdge) => `${edge.from}:${edge.line} imports ${edge.to}`;

describe('the import graph', () => {
  it('reads the whole tree (a broken reader would pass every rule below)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((edge) => edge.from.startsWith('lib/resources/vm/') && edge.to.startsWith('lib/backends/libvirt/'))).toBe(true);
  });

  it('has no import that runs up a layer', () => {
    const upward = edges.filter((edge) => {
      const from = layerOf(edge.from);
      const to = layerOf(edge.to);
      if (from === to) return false;
      const allowed = MAY_IMPORT[from];
      if (allowed === undefined) return true;
      return !allowed.includes(to);
    });
    expect(upward.map(where)).toEqual([]);
  });

  it('reaches another resource only through its index.ts', () => {
    const intoInternals = edges.filter((edge) => {
      const from = resourceRoomOf(edge.from);
      const to = resourceRoomOf(edge.to);
      if (from === undefined || to === undefined || to === '' || from === to) return false;
      return !edge.to.endsWith(`lib/resources/${to}/index.ts`);
    });
    expect(intoInternals.map(where)).toEqual([]);
  });

  it('keeps context below shared, and both below every resource', () => {
    const wrongWay = edges.filter((edge) => {
      const from = resourceRoomOf(edge.from);
      const to = resourceRoomOf(edge.to);
      if (from === undefined || to === undefined || from === to) return false;
      if (from === 'context') return true;
      if (from === 'shared') return to !== 'context';
      return false;
    });
    expect(wrongWay.map(where)).toEqual([]);
  });

  it('lets resources use a backend only through its index.ts, never its XML helpers', () => {
    const bypass = edges.filter(
      (edge) => edge.from.startsWith('lib/resources/') && edge.to.startsWith('lib/backends/') && !/^lib\/backends\/[a-z]+\/index\.ts$/.test(edge.to),
    );
    expect(bypass.map(where)).toEqual([]);
  });

  it('keeps the framework free of virtplane', () => {
    const mentions = sourceFiles('lib/framework').flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((text, index) => (/virtplane/i.test(text) ? [`${file}:${index + 1}: ${text.trim()}`] : [])),
    );
    expect(mentions).toEqual([]);
  });

  it('has no cycle between resource rooms', () => {
    const rooms = new Map<string, Set<string>>();
    for (const edge of edges) {
      const from = resourceRoomOf(edge.from);
      const to = resourceRoomOf(edge.to);
      if (!from || !to || from === to) continue;
      rooms.set(from, (rooms.get(from) ?? new Set()).add(to));
    }
    const cycles: string[] = [];
    const visit = (room: string, path: readonly string[]) => {
      for (const next of rooms.get(room) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else visit(next, [...path, next]);
      }
    };
    for (const room of rooms.keys()) visit(room, [room]);
    expect(cycles).toEqual([]);
    expect([...rooms.keys()].filter((room) => !RESOURCE_BASE_ROOMS.includes(room)).length).toBeGreaterThan(5);
  });
});
