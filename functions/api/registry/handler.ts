/**
 * The registry routes: districts, schools and pathways. Each route calls its use case
 * (functions/use-cases/registry), which loads the target beside the caller's access,
 * authorizes, then reads If-Match, the changes or the Idempotency-Key (handed over as
 * Deferred parsers) and acts; the route renders the answer.
 */
import { httpHandler, implement } from '#lib/http.ts';
import { creationContext } from '#lib/idempotency-key.ts';
import { changesOf, etagHeader, expectedVersion } from '#lib/preconditions.ts';
import { createDistrict } from '#use-cases/registry/create-district.ts';
import { createPathway } from '#use-cases/registry/create-pathway.ts';
import { createSchool } from '#use-cases/registry/create-school.ts';
import { getDistrict, listDistricts } from '#use-cases/registry/read-districts.ts';
import { getPathway, listDistrictPathways, listPathways, listSchoolPathways } from '#use-cases/registry/read-pathways.ts';
import { getSchool, listSchools } from '#use-cases/registry/read-schools.ts';
import { updateDistrict } from '#use-cases/registry/update-district.ts';
import { updatePathway } from '#use-cases/registry/update-pathway.ts';
import { updateSchool } from '#use-cases/registry/update-school.ts';
import * as r from './routes.ts';

/** A creation's answer: 201 with where the new record lives and its first version's ETag. */
const created = (location: string, body: { id: string }) => ({ status: 201, body, headers: { location, ...etagHeader(1) } });

export const handler = httpHandler([
  // Districts ---------------------------------------------------------------------------
  implement(r.createDistrict, async (req) => {
    const { name, state, countyOrRegion } = req.body;
    return createDistrict(
      req.principal,
      { name, state, countyOrRegion },
      () => creationContext(req, r.createDistrict),
      (d) => created(`/districts/${d.id}`, d),
    );
  }),

  implement(r.listDistricts, async (req) => {
    return { body: await listDistricts(req.principal, req.query.limit, req.query.cursor) };
  }),

  implement(r.getDistrict, async (req) => {
    const d = await getDistrict(req.principal, req.params.districtId);
    return { body: d, headers: etagHeader(d.version) };
  }),

  implement(r.updateDistrict, async (req) => {
    const after = await updateDistrict(
      req.principal,
      req.params.districtId,
      () => expectedVersion(req.headers, req.body.version),
      () => changesOf(req.body),
    );
    return { body: after, headers: etagHeader(after.version) };
  }),

  // Schools -----------------------------------------------------------------------------
  implement(r.createSchool, async (req) => {
    const context = () => creationContext(req, r.createSchool);
    return createSchool(req.principal, req.params.districtId, { name: req.body.name }, context, (s) => created(`/schools/${s.id}`, s));
  }),

  implement(r.listSchools, async (req) => {
    return { body: await listSchools(req.principal, req.params.districtId, req.query.limit, req.query.cursor) };
  }),

  implement(r.getSchool, async (req) => {
    const s = await getSchool(req.principal, req.params.schoolId);
    return { body: s, headers: etagHeader(s.version) };
  }),

  implement(r.updateSchool, async (req) => {
    const after = await updateSchool(
      req.principal,
      req.params.schoolId,
      () => expectedVersion(req.headers, req.body.version),
      () => changesOf(req.body),
    );
    return { body: after, headers: etagHeader(after.version) };
  }),

  // Pathways ----------------------------------------------------------------------------
  implement(r.createPathway, async (req) => {
    const context = () => creationContext(req, r.createPathway);
    return createPathway(req.principal, req.params.schoolId, req.body, context, (p) => created(`/pathways/${p.id}`, p));
  }),

  implement(r.listPathways, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return { body: await listPathways(req.principal, filter, limit, cursor) };
  }),

  implement(r.listDistrictPathways, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return { body: await listDistrictPathways(req.principal, req.params.districtId, filter, limit, cursor) };
  }),

  implement(r.listSchoolPathways, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return { body: await listSchoolPathways(req.principal, req.params.schoolId, filter, limit, cursor) };
  }),

  implement(r.getPathway, async (req) => {
    const { leadCount: _leadCount, ...pathway } = await getPathway(req.principal, req.params.pathwayId);
    return { body: pathway, headers: etagHeader(pathway.version) };
  }),

  implement(r.updatePathway, async (req) => {
    const after = await updatePathway(
      req.principal,
      req.params.pathwayId,
      () => expectedVersion(req.headers, req.body.version),
      () => changesOf(req.body),
    );
    return { body: after, headers: etagHeader(after.version) };
  }),
]);
