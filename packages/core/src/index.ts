// Lifecycle event schemas, workflows, policy, planner and executor. Pure: no I/O.
export {};
