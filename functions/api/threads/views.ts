/** How the thread routes show decisions and certifications (the public fields, in the documented shape). */
import type { Application } from '#store/application-reads.ts';
import type { Certification } from '#store/certifications.ts';
import type { ReviewDecision } from '#store/reviews.ts';

export const decisionView = (application: Pick<Application, 'id'>, d: ReviewDecision) => ({
  applicationId: d.applicationId,
  round: d.round,
  level: d.level,
  decision: d.decision,
  letter: d.letter,
  requiredChanges: d.requiredChanges,
  decidedAt: d.decidedAt,
  applied: d.applied ?? null,
  letterUrl: `/applications/${application.id}/decision/letter`,
});

export const certificationView = (c: Certification) => ({
  id: c.id,
  level: c.level,
  issuedOn: c.issuedOn,
  validFrom: c.validFrom,
  expiresOn: c.expiresOn,
  status: c.status,
  continuous: c.continuous,
  applicationId: c.applicationId,
  ...(c.previousCertificationId ? { previousCertificationId: c.previousCertificationId } : {}),
  ...(c.withdrawal ? { withdrawal: { at: c.withdrawal.at, reason: c.withdrawal.reason } } : {}),
});
