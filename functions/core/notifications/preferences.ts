/**
 * Email categories and per-person preferences. Every notification is also written in-app;
 * preferences only decide which emails a person receives. Expiry and decision notices are
 * mandatory: losing a certification because an optional email was switched off is the
 * failure this product exists to prevent. Message emails are optional but on by default (the
 * reason is next to the category).
 */

export const emailCategories = {
  applications: { mandatory: false, description: 'Confirmation when your team submits an application' },
  reviewAssignments: { mandatory: false, description: 'A review was assigned to you' },
  certifications: { mandatory: false, description: 'A certification was issued to your pathway' },
  renewals: { mandatory: false, description: "Your pathway's renewal window opened" },
  // On by default: a thread is where reviewers and staff ask the team for what is missing, and
  // an unanswered question stalls the review. Batching (core/notifications/message-batching.ts)
  // keeps it to one email per thread per window, so the default costs little attention.
  messages: {
    mandatory: false,
    description: 'New messages on an application thread you take part in (batched: at most one email per thread every few minutes)',
  },
  decisions: { mandatory: true, description: 'Decisions on your applications' },
  expiry: { mandatory: true, description: 'Expiry notices and expirations of certifications' },
} as const;

export type EmailCategory = keyof typeof emailCategories;
export const categoryNames = Object.keys(emailCategories) as EmailCategory[];
export const optionalCategories = categoryNames.filter((c) => !emailCategories[c].mandatory);
export const mandatoryCategories = categoryNames.filter((c) => emailCategories[c].mandatory);

/** What a person chose; absent categories are on. */
export type EmailPreferences = Partial<Record<EmailCategory, boolean>>;

export function isMandatory(category: EmailCategory): boolean {
  return emailCategories[category].mandatory;
}

/** Whether a person receives the email of this category. */
export function wantsEmail(prefs: EmailPreferences | undefined, category: EmailCategory): boolean {
  if (isMandatory(category)) return true;
  return prefs?.[category] !== false;
}

/** Every category with its effective value, for reading. */
export function effectivePreferences(prefs: EmailPreferences | undefined): Record<EmailCategory, boolean> {
  return Object.fromEntries(categoryNames.map((c) => [c, wantsEmail(prefs, c)])) as Record<EmailCategory, boolean>;
}

/** The fields of an update that try to turn a mandatory email off (empty when none). */
export function refusedChanges(update: EmailPreferences): EmailCategory[] {
  return categoryNames.filter((c) => isMandatory(c) && update[c] === false);
}

/** Applies an update (a partial set) to stored preferences; mandatory categories are never stored. */
export function mergePreferences(stored: EmailPreferences | undefined, update: EmailPreferences): EmailPreferences {
  const out: EmailPreferences = {};
  for (const c of optionalCategories) {
    const value = update[c] ?? stored?.[c];
    if (value !== undefined) out[c] = value;
  }
  return out;
}
