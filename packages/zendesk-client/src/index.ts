// A typed, resilient Zendesk client for agents and admins, over node-zendesk.
export {};
