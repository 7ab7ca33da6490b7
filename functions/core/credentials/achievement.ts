/**
 * The Open Badges 3.0 credential of a certification: a W3C Verifiable Credential (data
 * model 2.0) of type OpenBadgeCredential whose subject is the pathway (not a person), with
 * one Achievement per level, secured as a JWT per VC-JOSE-COSE: the JWT's payload is the
 * credential itself, with the registered claims (iss, jti, sub, iat, nbf, exp) mirroring
 * issuer, id, subject and dates so plain JWT libraries check them too.
 *
 * Terms the OB3 context does not define (`pathway`, `frameworkVersion`) fall under the
 * data model 2.0 context's `@vocab`, as the data model allows for issuer-specific terms.
 */
import type { Level } from '../levels.ts';

export const CREDENTIALS_V2 = 'https://www.w3.org/ns/credentials/v2';
export const OB3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

const LEVEL_NAMES: Record<Level, string> = { candidacy: 'Candidacy', silver: 'Silver', gold: 'Gold' };

const LEVEL_CRITERIA: Record<Level, string> = {
  candidacy:
    'The pathway is a Linked Learning candidate: it has documented its design against the certification standards and been accepted to work toward certification.',
  silver:
    'The pathway meets the Linked Learning Silver certification standards (rigorous academics, career-technical education, work-based learning, comprehensive student supports), as judged by practitioner reviewers and decided by certification staff.',
  gold: 'The pathway meets the Linked Learning Gold certification standards, the highest level: all four components fully integrated and evidenced, as judged by practitioner reviewers and decided by certification staff.',
};

export const levelName = (level: Level) => LEVEL_NAMES[level];

export interface CredentialFacts {
  /** Public origin of the API, e.g. https://api.example.org. */
  baseUrl: string;
  issuerDid: string;
  certificationId: string;
  level: Level;
  /** The decision instant. */
  issuedAt: string;
  validFrom: string;
  /** First day no longer valid (calendar date). */
  expiresOn: string;
  frameworkVersion: string;
  pathway: { id: string; name: string };
  school: { id: string; name: string };
  district: { id: string; name: string };
  status: { list: string; index: number };
}

export const credentialUrl = (baseUrl: string, id: string) => `${baseUrl}/credentials/${id}`;
export const statusListUrl = (baseUrl: string, list: string) => `${baseUrl}/credential-status/${list}`;
export const achievementUrl = (baseUrl: string, level: Level) => `${baseUrl}/credentials/achievements/${level}`;
const dayStart = (date: string) => `${date}T00:00:00Z`;
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function achievementOf(baseUrl: string, level: Level) {
  return {
    id: achievementUrl(baseUrl, level),
    type: ['Achievement'],
    achievementType: 'Certification',
    name: `Linked Learning ${LEVEL_NAMES[level]} Certification`,
    description: `Linked Learning certification of a high school career pathway at the ${LEVEL_NAMES[level]} level.`,
    criteria: { narrative: LEVEL_CRITERIA[level] },
  };
}

export function issuerProfile(baseUrl: string, did: string) {
  return { id: did, type: ['Profile'], name: 'Linked Learning pathway certification (pathcert)', url: baseUrl };
}

/** The credential (unsecured): what the JWT's payload carries, before the JWT claims. */
export function achievementCredential(f: CredentialFacts) {
  const listUrl = statusListUrl(f.baseUrl, f.status.list);
  return {
    '@context': [CREDENTIALS_V2, OB3_CONTEXT],
    id: credentialUrl(f.baseUrl, f.certificationId),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: issuerProfile(f.baseUrl, f.issuerDid),
    name: `${f.pathway.name}: Linked Learning ${LEVEL_NAMES[f.level]} Certification`,
    validFrom: dayStart(f.validFrom),
    validUntil: dayStart(f.expiresOn),
    awardedDate: f.issuedAt,
    credentialSubject: {
      id: `${f.baseUrl}/directory/${f.pathway.id}`,
      type: ['AchievementSubject'],
      achievement: achievementOf(f.baseUrl, f.level),
      pathway: {
        id: f.pathway.id,
        name: f.pathway.name,
        school: { id: f.school.id, name: f.school.name },
        district: { id: f.district.id, name: f.district.name },
      },
      level: f.level,
      frameworkVersion: f.frameworkVersion,
    },
    credentialStatus: {
      id: `${listUrl}#${f.status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(f.status.index),
      statusListCredential: listUrl,
    },
  };
}

export type AchievementCredential = ReturnType<typeof achievementCredential>;

/** The JWT payload: the credential plus the registered claims that mirror it. */
export function credentialJwtPayload(credential: AchievementCredential, issuedAt: string) {
  return {
    ...credential,
    iss: credential.issuer.id,
    jti: credential.id,
    sub: credential.credentialSubject.id,
    iat: seconds(issuedAt),
    nbf: seconds(credential.validFrom),
    exp: seconds(credential.validUntil),
  };
}

/** The protected header of every credential this issuer signs (VC-JOSE-COSE: typ vc+jwt). */
export const credentialHeader = (kid: string) => ({ alg: 'ES256' as const, kid, typ: 'vc+jwt', cty: 'vc' });

/** The status list credential: the bitstring as of `signedAt`, valid for `ttlHours`. */
export function statusListCredentialPayload(o: {
  baseUrl: string;
  issuerDid: string;
  list: string;
  encodedList: string;
  signedAt: string;
  ttlHours: number;
}) {
  const id = statusListUrl(o.baseUrl, o.list);
  const validUntil = new Date(Date.parse(o.signedAt) + o.ttlHours * 3_600_000).toISOString();
  return {
    '@context': [CREDENTIALS_V2],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: o.issuerDid,
    validFrom: o.signedAt,
    validUntil,
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: o.encodedList },
    iss: o.issuerDid,
    jti: id,
    iat: seconds(o.signedAt),
    nbf: seconds(o.signedAt),
    exp: seconds(validUntil),
  };
}
