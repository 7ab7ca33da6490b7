/**
 * SES faults injected into the real SES client by recipient address: each address maps to a
 * list of error names, one per send attempt (then the sends go through). Registers a client
 * hook for the test file that calls it.
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { onClientCreated } from '#lib/aws-clients.ts';

export function injectSesFaults(): Map<string, string[]> {
  const faults = new Map<string, string[]>();
  onClientCreated((client, service) => {
    if (service !== 'sesv2') return;
    (client as SESv2Client).middlewareStack.add(
      (next) => async (args) => {
        const to = (args.input as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses?.[0] ?? '';
        const fault = faults.get(to)?.shift();
        if (fault) throw Object.assign(new Error(`injected ${fault}`), { name: fault, $fault: 'client' });
        return next(args);
      },
      { step: 'initialize', name: 'injectSesFaults' },
    );
  });
  return faults;
}
