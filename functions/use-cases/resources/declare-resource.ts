/**
 * Staff declare a resource file (a new resource, or its next version) and get a presigned
 * POST form, exactly as evidence uploads go; idempotent creations like them.
 */
import type { IdempotencyContext } from '#lib/idempotency-key.ts';
import { actorOf, type Principal } from '#lib/principal.ts';
import type { EvidenceUpload, StoredVersion } from '#store/evidence.ts';
import {
  declareResource as storeNewResource,
  declareResourceVersion as storeNextVersion,
  type ResourceKind,
  type StoredResource,
} from '#store/evidence-resources.ts';
import { idempotent, type RecordedAnswer } from '#store/idempotency.ts';
import type { Deferred } from '../deferred.ts';
import { checkedDeclaration, type FileDeclaration } from '../evidence/declaration.ts';
import { authorizeLibrary, loadResource } from './load-resource.ts';

export interface DeclaredResource {
  resource: StoredResource;
  version: StoredVersion;
  upload: EvidenceUpload;
}

export interface NewResource {
  kind: ResourceKind;
  title: string;
  description?: string;
  criterionIds: string[];
  file: FileDeclaration;
}

export async function declareResource(
  principal: Principal,
  input: NewResource,
  idempotency: Deferred<IdempotencyContext>,
  answer: (declared: DeclaredResource) => RecordedAnswer,
): Promise<RecordedAnswer> {
  await authorizeLibrary(principal, 'resource.manage');
  const declaration = checkedDeclaration(input.file);
  return idempotent(idempotency(), async (record) => {
    let result: RecordedAnswer = {};
    await storeNewResource(
      {
        kind: input.kind,
        title: input.title,
        ...(input.description ? { description: input.description } : {}),
        criterionIds: input.criterionIds,
        declaration,
        actor: actorOf(principal),
      },
      (resource, version, upload) => record((result = answer({ resource, version, upload }))),
    );
    return result;
  });
}

/** The next version of a resource; `resource` in the answer already counts it (latestVersion, updatedAt). */
export async function declareResourceVersion(
  principal: Principal,
  input: { resourceId: string; file: FileDeclaration },
  idempotency: Deferred<IdempotencyContext>,
  answer: (declared: DeclaredResource) => RecordedAnswer,
): Promise<RecordedAnswer> {
  await authorizeLibrary(principal, 'resource.manage');
  const { resource } = await loadResource(input.resourceId, true);
  const declaration = checkedDeclaration(input.file);
  return idempotent(idempotency(), async (record) => {
    let result: RecordedAnswer = {};
    await storeNextVersion(resource, declaration, actorOf(principal), (version, upload) =>
      record(
        (result = answer({ resource: { ...resource, latestVersion: version.version, updatedAt: version.declaredAt }, version, upload })),
      ),
    );
    return result;
  });
}
