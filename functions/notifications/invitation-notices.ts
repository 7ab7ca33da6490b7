/**
 * Invitation emails, the producing side: `InvitationCreated` when an invitation is created
 * (the people API, right after its transaction) and, from the daily sweep, the announcement
 * the API could not publish and the one `InvitationExpiring` reminder
 * (functions/core/invitations.ts decides what is due). The notifier sends each at most once
 * per invitation (functions/notifications/invitee.ts), so publishing twice is harmless;
 * what the index and the bookkeeping on the invitation make sure of is that each is
 * published at least once while the invitation is pending.
 */
import type { DomainEventInput } from '#core/events.ts';
import { invitationNoticeDue } from '#core/invitations.ts';
import { config } from '#lib/config.ts';
import { publish } from '#events/publish.ts';
import { logger } from '#lib/logger.ts';
import {
  dropInvitationNotices,
  invitationsWithNoticesDue,
  markInvitationAnnounced,
  markInvitationReminded,
  type Invitation,
} from '#store/people.ts';

function facts(inv: Invitation) {
  return {
    invitationId: inv.id,
    scope: inv.scope.kind,
    ...(inv.scope.kind === 'pathway' ? { pathwayId: inv.scope.pathwayId } : {}),
    ...(inv.scope.kind !== 'reviewer' ? { districtId: inv.scope.districtId } : {}),
    role: inv.role,
    expiresAt: inv.expiresAt,
  };
}

export function invitationCreatedEvent(inv: Invitation): DomainEventInput {
  return { detailType: 'InvitationCreated', detail: { ...facts(inv), invitedBy: inv.invitedBy.sub, createdAt: inv.createdAt } };
}

export function invitationExpiringEvent(inv: Invitation): DomainEventInput {
  return { detailType: 'InvitationExpiring', detail: facts(inv) };
}

/**
 * Publishes the invitation email of a new invitation and records it. Never throws: the
 * invitation stands either way, and the daily sweep publishes what this could not.
 */
export async function announceInvitation(inv: Invitation): Promise<void> {
  try {
    await publish([invitationCreatedEvent(inv)]);
    await markInvitationAnnounced(inv, config.invitationReminderDays);
  } catch (error) {
    logger.error('InvitationCreated could not be published; the daily sweep will', { error, invitationId: inv.id });
  }
}

export interface InvitationSweepResult {
  examined: number;
  announced: number;
  reminded: number;
  dropped: number;
  failed: number;
}

/** One pass over the invitations whose email or reminder is due at `now` (the schedule's slot). */
export async function sweepInvitationNotices(now: string): Promise<InvitationSweepResult> {
  const days = config.invitationReminderDays;
  const result: InvitationSweepResult = { examined: 0, announced: 0, reminded: 0, dropped: 0, failed: 0 };
  let next: Record<string, unknown> | undefined;
  do {
    const page = await invitationsWithNoticesDue(now, 100, next);
    for (const inv of page.items) {
      result.examined++;
      try {
        const due = invitationNoticeDue(inv, now, days);
        if (due === 'announce') {
          await publish([invitationCreatedEvent(inv)]);
          await markInvitationAnnounced(inv, days);
          result.announced++;
        } else if (due === 'remind') {
          await publish([invitationExpiringEvent(inv)]);
          await markInvitationReminded(inv);
          result.reminded++;
        } else if (due === 'drop') {
          await dropInvitationNotices(inv);
          result.dropped++;
        }
      } catch (error) {
        // One invitation's trouble must not hold up the others; the run fails at the end.
        result.failed++;
        logger.error('invitation notice failed', { error, invitationId: inv.id });
      }
    }
    next = page.next;
  } while (next);
  return result;
}
