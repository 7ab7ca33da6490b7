/** Who hears of what happens on a thread (new messages, scheduled sessions). */
import type { Application } from '#store/application-reads.ts';
import { threadParticipants as teamAndPanel } from '#store/messages.ts';

/** Everyone on the thread: the pathway's members and the current panel (staff have their shared inbox). */
export async function threadParticipants(a: Application): Promise<string[]> {
  const { team, panel } = await teamAndPanel(a);
  return [...team, ...panel];
}
