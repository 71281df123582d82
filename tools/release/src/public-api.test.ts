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

/** Every name a module exports (values, types, namespaces), and those of them without a doc comment. */
function exportedNames(entries: string[]): Map<string, { names: string[]; undocumented: string[] }> {
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    customConditions: ['@zendesk-lifecycle/source'],
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const result = new Map<string, { names: string[]; undocumented: string[] }>();
  for (const entry of entries) {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const exported = checker.getExportsOfModule(symbol);
    const documented = (s: ts.Symbol): boolean => {
      // A re-export with its own comment (`/** ... */ export * as testing from ...`) counts too
      const own = (s.declarations ?? []).flatMap((d) => [d, d.parent]);
      if (own.some((d) => ts.getJSDocCommentsAndTags(d).length > 0)) return true;
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
      if (target.getDocumentationComment(checker).length > 0) return true;
      // A function's comment sits on its declaration
      return (target.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
    };
    result.set(entry, {
      names: exported.map((s) => s.getName()),
      undocumented: exported.filter((s) => !documented(s)).map((s) => s.getName()),
    });
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
    const list = [...names.get(entry.file)!.names].sort();
    const name = `${entry.folder.split('/').pop()}${entry.subpath === '.' ? '' : entry.subpath.slice(1).replace(/\//g, '-')}`;
    await expect(`${list.join('\n')}\n`).toMatchFileSnapshot(`../public-api/${name}.txt`);
  });

  it('document every export of the published libraries (TypeDoc shows the comment)', () => {
    const published = new Set<string>(Object.values(LIBRARIES));
    const missing = entries
      .filter((e) => published.has(e.folder))
      .flatMap((e) => names.get(e.file)!.undocumented.map((name) => `${e.folder} ${e.subpath}: ${name}`));
    expect(missing).toEqual([]);
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
