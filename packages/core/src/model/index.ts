// Core's vocabulary: the domain words as zod schemas, with the types inferred from them.
export * from './actions.js';
export * from './codes.js';
export * from './outcomes.js';
export * from './prior-state.js';
export * from './step-report.js';
export * from './users.js';
export * from './workflows.js';
