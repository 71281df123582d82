// Child process of the memory benchmark: lists every user one way and reports its own peak RSS.
import zendesk from 'node-zendesk';
import { createZendeskClient } from '@zendesk-lifecycle/zendesk-client';

const [mode, baseUrl, email, token] = process.argv.slice(2) as [string, string, string, string];
let count = 0;
if (mode === 'stream') {
  const client = createZendeskClient({ baseUrl, email, apiToken: token });
  for await (const _account of client.listAccounts()) count++;
} else {
  const client = zendesk.createClient({
    username: email,
    token,
    endpointUri: `${baseUrl}/api/v2`,
    throwOriginalException: true,
  } as never);
  const users = (await client.users.getAll(['users', '?role[]=agent&role[]=admin'])) as unknown[];
  count = users.length;
}
process.stdout.write(JSON.stringify({ count, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
