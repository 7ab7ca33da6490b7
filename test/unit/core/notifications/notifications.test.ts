/**
 * The notifier's pure rules: who is told about each domain event, under which email
 * category, what the in-app notification and the email say, preferences (mandatory
 * categories cannot be turned off) and address validation.
 */
import { describe, expect, it } from 'vitest';
import { buildDomainEvent, detailTypes, type DomainEvent, type DomainEventInput } from '#core/events.ts';
import { newId } from '#core/ids.ts';
import { effectivePreferences, mergePreferences, refusedChanges, wantsEmail, categoryNames } from '#core/notifications/preferences.ts';
import { checkEmailAddress, notificationRules, planDeliveries, STAFF_RECIPIENT } from '#core/notifications/rules.ts';
import { absoluteLink, formatDate, renderNotification } from '#core/notifications/templates.ts';

const ids = {
  application: newId('application'),
  pathway: newId('pathway'),
  district: newId('district'),
  review: newId('review'),
  certification: newId('certification'),
  invitation: newId('invitation'),
};

const inputs: Record<string, DomainEventInput> = {
  ApplicationSubmitted: {
    detailType: 'ApplicationSubmitted',
    detail: {
      applicationId: ids.application,
      pathwayId: ids.pathway,
      districtId: ids.district,
      level: 'silver',
      renewal: false,
      submittedBy: 'sub-1',
      submittedAt: '2027-03-14T10:00:00.000Z',
    },
  },
  ReviewerAssigned: {
    detailType: 'ReviewerAssigned',
    detail: { applicationId: ids.application, pathwayId: ids.pathway, reviewId: ids.review, reviewerSub: 'rev-1', dueOn: '2027-04-01' },
  },
  ReviewSubmitted: {
    detailType: 'ReviewSubmitted',
    detail: {
      applicationId: ids.application,
      pathwayId: ids.pathway,
      reviewId: ids.review,
      reviewerSub: 'rev-1',
      submittedAt: '2027-03-20T10:00:00.000Z',
    },
  },
  DecisionMade: {
    detailType: 'DecisionMade',
    detail: {
      applicationId: ids.application,
      pathwayId: ids.pathway,
      districtId: ids.district,
      level: 'gold',
      decision: 'revise_and_resubmit',
      decidedBy: 'staff-1',
      decidedAt: '2027-05-02T10:00:00.000Z',
    },
  },
  CertificationIssued: {
    detailType: 'CertificationIssued',
    detail: {
      certificationId: ids.certification,
      applicationId: ids.application,
      pathwayId: ids.pathway,
      districtId: ids.district,
      level: 'gold',
      issuedOn: '2027-05-02',
      expiresOn: '2030-05-02',
    },
  },
  CertificationExpiring: {
    detailType: 'CertificationExpiring',
    detail: {
      certificationId: ids.certification,
      pathwayId: ids.pathway,
      districtId: ids.district,
      level: 'silver',
      expiresOn: '2029-01-31',
      daysBefore: 30,
    },
  },
  CertificationExpired: {
    detailType: 'CertificationExpired',
    detail: {
      certificationId: ids.certification,
      pathwayId: ids.pathway,
      districtId: ids.district,
      level: 'silver',
      expiredOn: '2029-01-31',
    },
  },
  CertificationWithdrawn: {
    detailType: 'CertificationWithdrawn',
    detail: {
      certificationId: ids.certification,
      pathwayId: ids.pathway,
      districtId: ids.district,
      level: 'gold',
      withdrawnAt: '2028-02-01T10:00:00.000Z',
      withdrawnBy: 'staff-1',
    },
  },
  BenefitsChanged: {
    detailType: 'BenefitsChanged',
    detail: {
      pathwayId: ids.pathway,
      districtId: ids.district,
      certificationId: ids.certification,
      cause: 'withdrawn',
      previousLevel: 'gold',
      level: 'silver',
      unlocked: [],
      lost: [newId('benefit')],
    },
  },
  RenewalOpened: {
    detailType: 'RenewalOpened',
    detail: {
      certificationId: ids.certification,
      pathwayId: ids.pathway,
      districtId: ids.district,
      level: 'silver',
      expiresOn: '2029-01-31',
      applicationId: ids.application,
    },
  },
  MessagePosted: {
    detailType: 'MessagePosted',
    detail: {
      applicationId: ids.application,
      pathwayId: ids.pathway,
      messageId: newId('message'),
      postedAt: '2027-03-14T10:00:00.000Z',
      authorSub: 'lead',
      authorRole: 'team',
    },
  },
  InvitationCreated: {
    detailType: 'InvitationCreated',
    detail: {
      invitationId: ids.invitation,
      scope: 'pathway',
      pathwayId: ids.pathway,
      districtId: ids.district,
      role: 'lead',
      expiresAt: '2027-03-28T09:05:00.000Z',
      invitedBy: 'staff-1',
      createdAt: '2027-03-14T09:05:00.000Z',
    },
  },
  InvitationExpiring: {
    detailType: 'InvitationExpiring',
    detail: {
      invitationId: ids.invitation,
      scope: 'pathway',
      pathwayId: ids.pathway,
      districtId: ids.district,
      role: 'member',
      expiresAt: '2027-03-28T09:05:00.000Z',
    },
  },
};
const event = (type: string): DomainEvent => buildDomainEvent(inputs[type]!);
const people = { team: ['lead', 'member'], districtLeads: ['dlead'], reviewer: ['rev-1'] };

describe('who is told', () => {
  it('has rules for every domain event', () => {
    expect(Object.keys(notificationRules).sort()).toEqual([...detailTypes].sort());
    expect(Object.keys(inputs).sort()).toEqual([...detailTypes].sort());
  });

  it('tells the team and the district lead about decisions and expiry, with mandatory emails', () => {
    for (const type of ['DecisionMade', 'CertificationExpiring', 'CertificationExpired']) {
      const plan = planDeliveries(event(type), people);
      const persons = plan.filter((p) => p.recipient !== STAFF_RECIPIENT);
      expect(
        persons.map((p) => p.recipient),
        type,
      ).toEqual(['lead', 'member', 'dlead']);
      expect(
        persons.map((p) => p.audience),
        type,
      ).toEqual(['team', 'team', 'districtLeads']);
      for (const p of persons) expect(wantsEmail({ decisions: false, expiry: false }, p.email!), type).toBe(true);
    }
  });

  it('tells staff (in-app only) of submissions, reviews and expirations, not of decisions', () => {
    const staffOf = (type: string) => planDeliveries(event(type), people).filter((p) => p.recipient === STAFF_RECIPIENT);
    for (const type of ['ApplicationSubmitted', 'ReviewSubmitted', 'CertificationExpired']) {
      expect(staffOf(type), type).toEqual([{ recipient: STAFF_RECIPIENT, audience: 'staff', email: undefined }]);
    }
    for (const type of ['DecisionMade', 'CertificationIssued', 'CertificationExpiring', 'RenewalOpened', 'ReviewerAssigned']) {
      expect(staffOf(type), type).toEqual([]);
    }
  });

  it('tells only the assigned reviewer about an assignment', () => {
    expect(planDeliveries(event('ReviewerAssigned'), people)).toEqual([
      { recipient: 'rev-1', audience: 'reviewer', email: 'reviewAssignments' },
    ]);
  });

  it('tells a person in two audiences once, as the first', () => {
    const plan = planDeliveries(event('DecisionMade'), { team: ['lead', 'both'], districtLeads: ['both', 'dlead'] });
    expect(plan.map((p) => `${p.recipient}:${p.audience}`)).toEqual(['lead:team', 'both:team', 'dlead:districtLeads']);
  });

  it('tells nobody when an audience is empty', () => {
    expect(planDeliveries(event('DecisionMade'), {})).toEqual([]);
  });
});

describe('what they are told', () => {
  const ctx = {
    recipientName: 'Ana <Ruiz>',
    pathwayName: 'Health & Bio Academy',
    districtName: 'Oak USD',
    baseUrl: 'https://app.example.org/',
  };

  it('every event renders for every audience it has, with name, what happened, what next and an absolute link', () => {
    for (const type of detailTypes) {
      for (const rule of notificationRules[type]) {
        const r = renderNotification(event(type), rule.audience, ctx);
        expect(r.title, type).toBe(r.email.subject);
        expect(r.link.startsWith('/'), type).toBe(true);
        expect(r.email.text, type).toContain('Hello Ana <Ruiz>,');
        expect(r.email.text, type).toContain('What to do next:');
        expect(r.email.text, type).toContain(`https://app.example.org${r.link}`);
        expect(r.email.html, type).toContain('Hello Ana &lt;Ruiz&gt;,');
        expect(r.email.html, type).toContain(`href="https://app.example.org${r.link}"`);
        expect(r.email.html, type).not.toContain('<Ruiz>');
        expect(r.email.html, type).toContain('Health &amp; Bio Academy');
      }
    }
  });

  it('says the decision, the level and where to read it', () => {
    const r = renderNotification(event('DecisionMade'), 'team', ctx);
    expect(r.kind).toBe('decision.made');
    expect(r.email.subject).toBe('Decision for Health & Bio Academy: Gold asked to revise and resubmit');
    expect(r.email.text).toContain('Your application for Gold was asked to revise and resubmit on 2 May 2027.');
    expect(r.link).toBe(`/applications/${ids.application}/decision`);
    expect(r.applicationId).toBe(ids.application);
    expect(renderNotification(event('DecisionMade'), 'districtLeads', ctx).email.text).toContain(
      "Health & Bio Academy (Oak USD)'s application",
    );
  });

  it('counts down expiry and links to the renewal draft', () => {
    const r = renderNotification(event('CertificationExpiring'), 'team', ctx);
    expect(r.email.subject).toBe('Health & Bio Academy: Silver certification expires in 30 days');
    expect(r.email.text).toContain('31 January 2029');
    const renewal = renderNotification(event('RenewalOpened'), 'team', ctx);
    expect(renewal.link).toBe(`/applications/${ids.application}`);
    expect(renewal.email.text).toContain('evidence carried forward');
  });

  it('counts down from the days actually left when the sweep caught up after missed days', () => {
    const input = inputs.CertificationExpiring!;
    const late = buildDomainEvent({ ...input, detail: { ...input.detail, daysBefore: 90, daysLeft: 85 } } as DomainEventInput);
    const r = renderNotification(late, 'team', ctx);
    expect(r.email.subject).toBe('Health & Bio Academy: Silver certification expires in 85 days');
    expect(r.email.text).toContain('expires on 31 January 2029 (in 85 days)');
    expect(r.email.text).not.toContain('90 days');
  });

  it('greets neutrally without a name and names no pathway it does not know', () => {
    const r = renderNotification(event('ReviewerAssigned'), 'reviewer', { baseUrl: 'http://localhost:5173' });
    expect(r.email.text.startsWith('Hello,\n')).toBe(true);
    expect(r.email.subject).toBe('Review assigned: your pathway, due 1 April 2027');
    expect(r.link).toBe(`/reviews/${ids.review}`);
  });

  it('formats dates and joins links', () => {
    expect(formatDate('2027-12-01')).toBe('1 December 2027');
    expect(formatDate('2027-02-09T23:00:00.000Z')).toBe('9 February 2027');
    expect(formatDate('soon')).toBe('soon');
    expect(absoluteLink('https://a.example//', '/x')).toBe('https://a.example/x');
  });
});

describe('email preferences', () => {
  it('optional emails are on until turned off; mandatory ones are always on', () => {
    expect(effectivePreferences(undefined)).toEqual(Object.fromEntries(categoryNames.map((c) => [c, true])));
    const prefs = { renewals: false, decisions: false } as const;
    expect(wantsEmail(prefs, 'renewals')).toBe(false);
    expect(wantsEmail(prefs, 'applications')).toBe(true);
    expect(wantsEmail(prefs, 'decisions')).toBe(true);
    expect(wantsEmail(prefs, 'expiry')).toBe(true);
  });

  it('refuses turning off decisions or expiry, naming them', () => {
    expect(refusedChanges({ decisions: false, renewals: false })).toEqual(['decisions']);
    expect(refusedChanges({ expiry: false, decisions: false })).toEqual(['decisions', 'expiry']);
    expect(refusedChanges({ expiry: true, renewals: false })).toEqual([]);
  });

  it('merges partial updates and never stores mandatory categories', () => {
    const stored = mergePreferences({ renewals: false }, { certifications: false, expiry: true });
    expect(stored).toEqual({ renewals: false, certifications: false });
    expect(mergePreferences(stored, { renewals: true })).toEqual({ renewals: true, certifications: false });
  });
});

describe('email addresses', () => {
  it('accepts ordinary addresses and says why others are refused', () => {
    expect(checkEmailAddress('ana.ruiz+pathcert@oak-usd.k12.ca.us')).toEqual({ ok: true, address: 'ana.ruiz+pathcert@oak-usd.k12.ca.us' });
    expect(checkEmailAddress(undefined)).toEqual({ ok: false, reason: 'missing_address' });
    expect(checkEmailAddress('  ')).toEqual({ ok: false, reason: 'missing_address' });
    for (const bad of [
      'ana',
      '@oak.org',
      'ana@',
      'ana@localhost',
      'ana@oak..org',
      'a b@oak.org',
      'ana@oak.123',
      'ana@-oak.org',
      `${'a'.repeat(65)}@oak.org`,
      'anä@oak.org',
    ]) {
      expect(checkEmailAddress(bad), bad).toEqual({ ok: false, reason: 'invalid_address' });
    }
  });
});

describe('notification ids', () => {
  it('carry their own time, so the id alone rebuilds the inbox key', async () => {
    const { notificationItem, notificationKey } = await import('#store/messages.ts');
    const at = '2027-03-14T10:11:12.345Z';
    const item = notificationItem({ recipient: 'sub-1', kind: 'decision.made', title: 't', body: 'b', at });
    expect(notificationKey('sub-1', String(item.id))).toEqual({ PK: item.PK, SK: item.SK });
    expect(item).toMatchObject({
      PK: 'INBOX#sub-1',
      SK: `${at}#${item.id}`,
      GSI1PK: 'INBOX#sub-1#UNREAD',
      GSI1SK: `${at}#${item.id}`,
      read: false,
    });
    expect(notificationKey('sub-1', 'ntf_not-an-id')).toBeUndefined();
    expect(notificationKey('sub-1', newId('message'))).toBeUndefined();
  });
});
