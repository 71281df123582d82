// Issue 21: what each package exports from its public entries, by name (values and types), kept in
// public-api/<package>.txt. A name that appears or disappears fails here, so nothing internal leaks by accident
// and nothing public vanishes unnoticed. After a deliberate change: `npx vitest run src/public-api.test.ts -u`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LIBRARIES, SERVICES, repoRoot } from './outside.js';

interface Manifest {
  exports: Record<string, Record<string, string>>;
}

/** Every name a module exports (values, types, namespaces), as a consumer of its declarations sees them. */
function exportedNames(entries: string[]): Map<string, string[]> {
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    customConditions: ['@zendesk-lifecycle/source'],
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, string[]>();
  for (const entry of entries) {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    result.set(
      entry,
      checker.getExportsOfModule(symbol).map((s) => s.getName()),
    );
  }
  return result;
}

const packages = { ...LIBRARIES, ...SERVICES };

describe('public entries', () => {
  const entries = Object.values(packages).flatMap((folder) => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, folder, 'package.json'), 'utf8')) as Manifest;
    return Object.entries(manifest.exports).map(([subpath, conditions]) => ({
      folder,
      subpath,
      file: join(repoRoot, folder, conditions['@zendesk-lifecycle/source']!),
    }));
  });
  const names = exportedNames(entries.map((e) => e.file));

  it.each(entries.map((e) => [`${e.folder} ${e.subpath}`, e] as const))('%s', async (_label, entry) => {
    const list = [...names.get(entry.file)!].sort();
    const name = `${entry.folder.split('/').pop()}${entry.subpath === '.' ? '' : entry.subpath.slice(1).replace(/\//g, '-')}`;
    await expect(`${list.join('\n')}\n`).toMatchFileSnapshot(`../public-api/${name}.txt`);
  });

  it('name only what the build serves: each export condition has its dist file', () => {
    for (const e of entries) {
      const manifest = JSON.parse(readFileSync(join(repoRoot, e.folder, 'package.json'), 'utf8')) as Manifest;
      const conditions = manifest.exports[e.subpath]!;
      expect(Object.keys(conditions), e.folder).toEqual(['@zendesk-lifecycle/source', 'types', 'default']);
      const source = conditions['@zendesk-lifecycle/source']!;
      expect(conditions.types).toBe(source.replace('./src/', './dist/').replace(/\.ts$/, '.d.ts'));
      expect(conditions.default).toBe(source.replace('./src/', './dist/').replace(/\.ts$/, '.js'));
    }
  });
});
