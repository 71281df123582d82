// Public entry of @zendesk-lifecycle/demo: the embedded-defaults run behind `npm start`.
export { runDemo, type DemoOptions, type RunningDemo } from './run-demo.js';
export { confirmationSummary, renderTable, summaryRows, type SummaryRow } from './outcomes.js';
export { scenario } from './scenario.js';
