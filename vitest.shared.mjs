// Shared by every vitest.config.ts: the workspace runs our packages from source. Each package's `exports` names
// its TypeScript source under the custom condition "@zendesk-lifecycle/source" (the build in dist/ is what
// outside users get); Vite resolves with that condition, and the programs tests start (tsx children) get it
// through NODE_OPTIONS, which they inherit.
export const SOURCE_CONDITION = '@zendesk-lifecycle/source';

const flag = `--conditions=${SOURCE_CONDITION}`;
if (!(process.env.NODE_OPTIONS ?? '').includes(flag))
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, flag].filter(Boolean).join(' ');

// Vite's own defaults (module, node, development|production), with ours first.
const conditions = [SOURCE_CONDITION, 'module', 'node', 'development|production'];

/** Spread into defineConfig({...}) at the top level. */
export const sourceResolution = {
  resolve: { conditions },
  ssr: { resolve: { conditions } },
};
