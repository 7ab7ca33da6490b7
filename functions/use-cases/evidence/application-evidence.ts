/**
 * An application's evidence: the links (frozen at submission, or a draft's links against
 * the library now) and one linked file with its download.
 */
import { NotFoundError } from '#core/errors.ts';
import type { Principal } from '#lib/principal.ts';
import { getApplicationWithResponses } from '#store/applications.ts';
import { getEvidenceWithVersions } from '#store/evidence.ts';
import { applicationFiles, referencesOf } from '#store/evidence-applications.ts';
import { draftLinks, getFrozenEvidence, loadItems } from '#store/evidence-links.ts';
import { download } from './downloads.ts';
import { applicationOf } from './library-access.ts';

/**
 * Frozen links name the exact bytes (size, sha256); a draft's links say how each compares
 * with the library now. Both carry the item's title and the linked version's file name.
 */
export async function listApplicationEvidence(principal: Principal, applicationId: string) {
  const app = await applicationOf(principal, applicationId, 'evidence.read');
  const frozen = await getFrozenEvidence(app.id, true);
  if (frozen) {
    const loaded = await loadItems(
      frozen.links.map((l) => l.evidenceId),
      false,
    );
    return {
      applicationId: app.id,
      frozenAt: frozen.frozenAt,
      links: frozen.links.map((l) => {
        const found = loaded.get(l.evidenceId);
        const v = found?.versions.find((x) => x.version === l.version);
        return {
          criterionId: l.criterionId,
          evidenceId: l.evidenceId,
          version: l.version,
          status: 'frozen' as const,
          ...(found?.item ? { title: found.item.title } : {}),
          ...(v ? { fileName: v.fileName } : {}),
          size: l.size,
          sha256: l.sha256,
        };
      }),
    };
  }
  const whole = await getApplicationWithResponses(app.id);
  const { links, loaded } = await draftLinks(referencesOf(whole?.responses ?? []));
  return {
    applicationId: app.id,
    links: links.map((l) => {
      const found = loaded.get(l.evidenceId);
      const v = found?.versions.find((x) => x.version === (l.version ?? l.latestVersion));
      return {
        ...l,
        ...(found?.item ? { title: found.item.title } : {}),
        ...(v ? { fileName: v.fileName, size: v.size, ...(v.sha256 ? { sha256: v.sha256 } : {}) } : {}),
      };
    }),
  };
}

/** One item as the application links it, with a download of exactly the linked object version. */
export async function getApplicationEvidence(principal: Principal, input: { applicationId: string; evidenceId: string }) {
  const app = await applicationOf(principal, input.applicationId, 'evidence.read');
  const { files } = await applicationFiles(app);
  // An item may be referenced at two versions (two criteria); the newest one is shown.
  const file = files.filter((f) => f.evidenceId === input.evidenceId).sort((a, b) => b.version - a.version)[0];
  if (!file) throw new NotFoundError('evidence item');
  const found = await getEvidenceWithVersions(file.evidenceId);
  const version = found?.versions.find((x) => x.version === file.version);
  if (!found || !version) throw new NotFoundError('evidence item');
  const dl = await download(
    file.objectKey,
    { version: file.version, fileName: file.fileName, ...(file.objectVersionId ? { objectVersionId: file.objectVersionId } : {}) },
    true,
  );
  return { application: app, item: found.item, version, criterionIds: file.criterionIds, download: dl };
}
