// Asks the repository's own lint configuration whether a file may import a module, so that the
// architecture (core is pure, nothing imports an app, the sandbox is test-only) is tested, not only written down.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ImportVerdict {
  allowed: boolean;
  messages: string[];
}

let eslint: ESLint | undefined;

/** Lints `import … from '<specifier>'` as if it were written in `file` (a path relative to the repo root). */
export async function mayImport(file: string, specifier: string): Promise<ImportVerdict> {
  eslint ??= new ESLint({ cwd: repoRoot });
  const code = `import * as imported from '${specifier}';\nexport const used = imported;\n`;
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  const messages = (result?.messages ?? [])
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries' || m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
  return { allowed: messages.length === 0, messages };
}
