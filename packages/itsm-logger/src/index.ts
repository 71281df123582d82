// One audit ticket in Zendesk per lifecycle action, exactly once.
export {};
