// The Zendesk client the producer's tests use against a sandbox, signed in as the sandbox's API user.
import { createZendeskClient, type ZendeskClient } from '@zendesk-lifecycle/zendesk-client';
import type { RunningSandbox } from '@zendesk-lifecycle/zendesk-sandbox';

export const clientOf = (sandbox: RunningSandbox): ZendeskClient =>
  createZendeskClient({
    baseUrl: sandbox.url,
    email: sandbox.credentials.email,
    apiToken: sandbox.credentials.token,
    // Zendesk's public API does not name the account owner (docs/zendesk-rules.md §11): it is configured.
    accountOwnerId: sandbox.state.ownerId,
  });
