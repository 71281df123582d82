export * from './expectations.js';
export * from './records.js';
