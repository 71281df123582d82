// Links from an audit ticket to the user and the tickets an action touched, in the agent interface of the
// account where they live (the target account, which is not always the one holding the audit ticket).

export interface ZendeskLinks {
  /** The account's web address, e.g. https://acme.zendesk.com. */
  accountUrl: string;
  user(id: number): string;
  ticket(id: number): string;
}

/**
 * Links for the account behind `baseUrl`, which may be an API base (https://acme.zendesk.com/api/v2) or the
 * account address itself; a path before /api/v2 is kept, so a sandbox under a prefix still links correctly.
 */
export function zendeskLinks(baseUrl: string): ZendeskLinks {
  const url = new URL(baseUrl);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  const accountUrl = `${url.origin}${path}`;
  return {
    accountUrl,
    user: (id) => `${accountUrl}/agent/users/${encodeURIComponent(String(id))}`,
    ticket: (id) => `${accountUrl}/agent/tickets/${encodeURIComponent(String(id))}`,
  };
}
