/**
 * The registry routes. Each handler loads its target (GetItem, alongside the caller's
 * access: withAccess), answers 404 when it is missing, asks authorize() (which hides what
 * the caller may not see), then acts.
 */
import type { AccessContext } from '../../core/access.ts';
import { newId } from '../../core/ids.ts';
import { authorize, loadAccess, withAccess } from '../../use-cases/access.ts';
import { nowIso } from '../../lib/clock.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import type { Principal } from '../../lib/principal.ts';
import { problems } from '../../lib/problem.ts';
import type { District, Pathway, School } from '../../store/entities.ts';
import { idempotent } from '../../store/idempotency.ts';
import { stripKeys } from '../../store/db.ts';
import { keys, partitions } from '../../store/keys.ts';
import { decodeCursor, encodeCursor } from '../../store/pagination.ts';
import { actorOf } from '../../lib/principal.ts';
import * as registry from '../../store/registry.ts';
import { changesOf, etagHeader, expectedVersion } from '../../lib/preconditions.ts';
import { creationContext } from '../../lib/idempotency-key.ts';
import { checkVersion } from '../../core/versions.ts';
import * as r from './routes.ts';
import { districtTarget, pathwayTarget, schoolTarget } from '../../use-cases/targets.ts';

const isStaff = (access: AccessContext) => access.groups.includes('staff');

async function loadDistrict(id: string): Promise<District> {
  const d = await registry.getDistrict(id);
  if (!d) throw problems.notFound('district');
  return d;
}

async function loadSchool(id: string): Promise<School> {
  const s = await registry.getSchool(id);
  if (!s) throw problems.notFound('school');
  return s;
}

async function loadPathway(id: string): Promise<registry.StoredPathway> {
  const p = await registry.getPathway(id);
  if (!p) throw problems.notFound('pathway');
  return p;
}

const access = (principal: Principal) => loadAccess(principal);

/** Districts a non-staff caller works in: their district memberships and their teams' districts. */
function ownDistrictIds(ctx: AccessContext): string[] {
  const ids = ctx.memberships.map((m) => m.districtId).filter((d): d is string => typeof d === 'string');
  return [...new Set(ids)];
}

export const handler = httpHandler([
  // Districts ---------------------------------------------------------------------------
  implement(r.createDistrict, async (req) => {
    authorize(await access(req.principal), 'district.create', { kind: 'network' });
    return idempotent(creationContext(req, r.createDistrict), async (record) => {
      const at = nowIso();
      const d: District = {
        id: newId('district'),
        name: req.body.name,
        state: req.body.state,
        ...(req.body.countyOrRegion ? { countyOrRegion: req.body.countyOrRegion } : {}),
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      const result = { status: 201, body: d, headers: { location: `/districts/${d.id}`, ...etagHeader(1) } };
      await registry.createDistrict(d, actorOf(req.principal), record(result));
      return result;
    });
  }),

  implement(r.listDistricts, async (req) => {
    const ctx = await access(req.principal);
    if (isStaff(ctx)) return { body: await registry.listDistricts(req.query.limit, req.query.cursor) };
    // Everyone else: the few districts they work in, read by key and paged in memory with
    // the same cursor shape as the staff list.
    const after = decodeCursor(req.query.cursor, partitions.districts.index, partitions.districts.value);
    const found = await registry.batchGet(ownDistrictIds(ctx).map((id) => keys.district(id)));
    const all = found
      .map((i) => ({ key: String(i.GSI2SK), district: stripKeys(i) as unknown as District }))
      .filter((e) => !after || e.key > String(after.GSI2SK))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const limit = req.query.limit ?? 25;
    const page = all.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      all.length > limit && last
        ? encodeCursor({ ...keys.district(last.district.id), GSI2PK: partitions.districts.value, GSI2SK: last.key })
        : undefined;
    const items = page.map((e) => e.district);
    return { body: { items, nextCursor } };
  }),

  implement(r.getDistrict, async (req) => {
    const [d, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'district.read', districtTarget(d), 'district');
    return { body: d, headers: etagHeader(d.version) };
  }),

  implement(r.updateDistrict, async (req) => {
    const [d, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'district.update', districtTarget(d), 'district');
    const expected = expectedVersion(req.headers, req.body.version);
    const changes = changesOf(req.body);
    checkVersion(d.version, expected);
    const after = await registry.updateDistrict(d, expected, changes, actorOf(req.principal));
    return { body: after, headers: etagHeader(after.version) };
  }),

  // Schools -----------------------------------------------------------------------------
  implement(r.createSchool, async (req) => {
    const [d, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'school.create', districtTarget(d), 'district');
    return idempotent(creationContext(req, r.createSchool), async (record) => {
      const at = nowIso();
      const s: School = { id: newId('school'), districtId: d.id, name: req.body.name, version: 1, createdAt: at, updatedAt: at };
      const result = { status: 201, body: s, headers: { location: `/schools/${s.id}`, ...etagHeader(1) } };
      await registry.createSchool(s, actorOf(req.principal), record(result));
      return result;
    });
  }),

  implement(r.listSchools, async (req) => {
    const [d, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'school.list', districtTarget(d), 'district');
    return { body: await registry.listSchools(d.id, req.query.limit, req.query.cursor) };
  }),

  implement(r.getSchool, async (req) => {
    const [s, ctx] = await withAccess(req.principal, loadSchool(req.params.schoolId));
    authorize(ctx, 'school.read', schoolTarget(s), 'school');
    return { body: s, headers: etagHeader(s.version) };
  }),

  implement(r.updateSchool, async (req) => {
    const [s, ctx] = await withAccess(req.principal, loadSchool(req.params.schoolId));
    authorize(ctx, 'school.update', schoolTarget(s), 'school');
    const expected = expectedVersion(req.headers, req.body.version);
    const changes = changesOf(req.body);
    checkVersion(s.version, expected);
    const after = await registry.updateSchool(s, expected, changes, actorOf(req.principal));
    return { body: after, headers: etagHeader(after.version) };
  }),

  // Pathways ----------------------------------------------------------------------------
  implement(r.createPathway, async (req) => {
    const [s, ctx] = await withAccess(req.principal, loadSchool(req.params.schoolId));
    authorize(ctx, 'pathway.create', schoolTarget(s), 'school');
    const d = await loadDistrict(s.districtId);
    return idempotent(creationContext(req, r.createPathway), async (record) => {
      const at = nowIso();
      const p: Pathway = {
        id: newId('pathway'),
        districtId: d.id,
        schoolId: s.id,
        name: req.body.name,
        sector: req.body.sector,
        gradesServed: [...req.body.gradesServed].sort((a, b) => a - b),
        model: req.body.model,
        enrollment: req.body.enrollment,
        status: req.body.status ?? 'active',
        certificationLevel: null,
        certifiedUntil: null,
        schoolName: s.name,
        districtName: d.name,
        state: d.state,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      const result = { status: 201, body: p, headers: { location: `/pathways/${p.id}`, ...etagHeader(1) } };
      await registry.createPathway(p, actorOf(req.principal), record(result));
      return result;
    });
  }),

  implement(r.listPathways, async (req) => {
    const ctx = await access(req.principal);
    const { limit, cursor, ...filter } = req.query;
    if (isStaff(ctx)) return { body: await registry.listAllPathways(filter, limit, cursor) };
    const districtIds = ctx.memberships.flatMap((m) => (m.kind === 'district' ? [m.districtId] : []));
    const pathwayIds = ctx.memberships.flatMap((m) => (m.kind === 'pathway' ? [m.pathwayId] : []));
    return { body: await registry.listVisiblePathways({ districtIds, pathwayIds }, filter, limit, cursor) };
  }),

  implement(r.listDistrictPathways, async (req) => {
    const [d, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'pathway.list', districtTarget(d), 'district');
    const { limit, cursor, ...filter } = req.query;
    return { body: await registry.listDistrictPathways(d.id, filter, limit, cursor) };
  }),

  implement(r.listSchoolPathways, async (req) => {
    const [s, ctx] = await withAccess(req.principal, loadSchool(req.params.schoolId));
    authorize(ctx, 'pathway.list', schoolTarget(s), 'school');
    const { limit, cursor, ...filter } = req.query;
    return { body: await registry.listSchoolPathways(s.id, filter, limit, cursor) };
  }),

  implement(r.getPathway, async (req) => {
    const [p, ctx] = await withAccess(req.principal, loadPathway(req.params.pathwayId));
    authorize(ctx, 'pathway.read', pathwayTarget(p), 'pathway');
    const { leadCount: _l, ...view } = p;
    return { body: view, headers: etagHeader(p.version) };
  }),

  implement(r.updatePathway, async (req) => {
    const [p, ctx] = await withAccess(req.principal, loadPathway(req.params.pathwayId));
    authorize(ctx, 'pathway.update', pathwayTarget(p), 'pathway');
    const expected = expectedVersion(req.headers, req.body.version);
    const changes = changesOf(req.body);
    if (changes.gradesServed) changes.gradesServed = [...changes.gradesServed].sort((a, b) => a - b);
    checkVersion(p.version, expected);
    const after = await registry.updatePathway(p, expected, changes, actorOf(req.principal));
    return { body: after, headers: etagHeader(after.version) };
  }),
]);
