// A faithful local Zendesk Support API for tests and the demo.
export {};
