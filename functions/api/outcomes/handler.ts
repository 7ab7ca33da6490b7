/**
 * Outcome routes. Every handler loads its target from the registry (alongside the caller's
 * access: withAccess), authorizes, then acts.
 * Numbers leave only through `viewFor`: staff get the raw counts, everyone else the view
 * suppressed with the school year's single network-wide pattern (store/outcomes.ts).
 */
import type { AccessContext } from '../../core/access.ts';
import { newId } from '../../core/ids.ts';
import { NUMERATOR_METRICS, type Metric, type NumeratorMetric, type StudentGroup } from '../../core/outcomes/codes.ts';
import { evaluateEquity, resolveEquityConfig } from '../../core/outcomes/equity.ts';
import {
  checkDistrictContainsPathways,
  checkOutcomeCounts,
  revealAll,
  type CountView,
  type OutcomeCounts,
  type OutcomeProblem,
} from '../../core/outcomes/model.ts';
import { outcomeUploadPolicy } from '../../core/outcomes/object-keys.ts';
import { countTrend, rateTrend, ratesOf } from '../../core/outcomes/rates.ts';
import { authorize, withAccess } from '../../use-cases/access.ts';
import { nowIso, nowMs } from '../../lib/clock.ts';
import { httpHandler, implement } from '../../lib/http.ts';
import type { FieldError } from '../../lib/problem.ts';
import { problems } from '../../lib/problem.ts';
import { routeKey } from '../../lib/route.ts';
import { presignPost } from '../../store/evidence-objects.ts';
import { idempotencyContext } from '../../lib/idempotency-key.ts';
import { idempotent } from '../../store/idempotency.ts';
import * as outcomes from '../../store/outcomes.ts';
import { outcomeSettings } from '../../store/outcomes-config.ts';
import { viewsForReader } from '../../store/outcomes-readers.ts';
import * as partners from '../../store/outcomes-partners.ts';
import * as uploads from '../../store/outcomes-uploads.ts';
import { actorOf } from '../../lib/principal.ts';
import * as registry from '../../store/registry.ts';
import { pathwayTarget } from '../../use-cases/targets.ts';
import { asReport } from './report-export.ts';
import * as r from './routes.ts';

const isStaff = (ctx: AccessContext) => ctx.groups.includes('staff');

async function loadDistrict(id: string) {
  const d = await registry.getDistrict(id);
  if (!d) throw problems.notFound('district');
  return d;
}

async function loadPathway(id: string) {
  const p = await registry.getPathway(id);
  if (!p) throw problems.notFound('pathway');
  return p;
}

/** The one door numbers leave through (after `forReader`). */
export function viewFor(ctx: AccessContext, item: { counts: OutcomeCounts; public: CountView }): CountView {
  return isStaff(ctx) ? revealAll(item.counts) : item.public;
}

/**
 * The views as this reader may see them: staff and readers the year's shared pattern covers
 * get them as stored; a person holding roles beyond it gets views computed for everything
 * they know (store/outcomes-readers.ts, docs/outcomes.md "Coalitions").
 */
async function forReader<T extends outcomes.EntityViewItem>(ctx: AccessContext, items: readonly (T | undefined)[]): Promise<(T | undefined)[]> {
  const present = items.filter((i): i is T => i !== undefined);
  if (isStaff(ctx) || present.length === 0) return [...items];
  const mine = await viewsForReader(ctx.memberships, present);
  return items.map((i) => (i === undefined ? undefined : mine[present.indexOf(i)]));
}

const districtPathwayIds = outcomes.districtPathwayIds;

const toFieldErrors = (prefix: string, list: OutcomeProblem[]): FieldError[] =>
  list.map((p) => ({ in: 'body', field: [prefix, ...p.path].filter(Boolean).join('.'), message: p.message, code: p.code }));

function summaryOf(view: CountView) {
  return { counts: view, rates: ratesOf(view) };
}

export const handler = httpHandler([
  implement(r.submitOutcomes, async (req) => {
    const [district, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'outcome.submit', { kind: 'district', districtId: district.id }, 'district');
    const body = req.body;
    const errors: FieldError[] = [];
    if (!body.district && body.pathways.length === 0) {
      errors.push({ in: 'body', field: '', message: 'give the district report, pathway reports or both', code: 'empty_submission' });
    }
    if (body.district) errors.push(...toFieldErrors('district', checkOutcomeCounts(body.district as OutcomeCounts)));
    const ids = await districtPathwayIds(district.id);
    const seen = new Set<string>();
    body.pathways.forEach((p, i) => {
      if (seen.has(p.pathwayId)) errors.push({ in: 'body', field: `pathways.${i}.pathwayId`, message: 'this pathway is reported twice', code: 'duplicate_pathway' });
      seen.add(p.pathwayId);
      if (!ids.has(p.pathwayId)) {
        errors.push({ in: 'body', field: `pathways.${i}.pathwayId`, message: 'no such pathway in this district', code: 'pathway_not_in_district' });
      }
      errors.push(...toFieldErrors(`pathways.${i}`, checkOutcomeCounts(p.counts as OutcomeCounts)));
    });
    if (errors.length === 0 && body.district) {
      errors.push(...toFieldErrors('district', checkDistrictContainsPathways(body.district as OutcomeCounts, body.pathways as { pathwayId: string; counts: OutcomeCounts }[])));
    }
    if (errors.length) throw problems.validation(errors, 'The outcome report has problems; see errors (every one is listed).');

    const result = await outcomes.submitOutcomes(
      {
        districtId: district.id,
        schoolYear: req.params.schoolYear,
        district: body.district as OutcomeCounts | undefined,
        pathways: body.pathways as { pathwayId: string; counts: OutcomeCounts }[],
      },
      actorOf(req.principal),
      { kind: 'json' },
    );
    return {
      status: result.unchanged ? 200 : result.replaced ? 200 : 201,
      body: { ...result.pointer, replaced: result.replaced, unchanged: result.unchanged },
      headers: { etag: `"${result.pointer.version}"` },
    };
  }),

  implement(r.getDistrictOutcomes, async (req) => {
    const [district, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'outcome.read', { kind: 'district', districtId: district.id }, 'district');
    const [stored, pointer] = await Promise.all([
      outcomes.getEntityView('district', district.id, req.params.schoolYear),
      outcomes.getCurrentSubmission(district.id, req.params.schoolYear),
    ]);
    const [view] = await forReader(ctx, [stored]);
    if (!pointer) throw problems.notFound('outcome submission');
    return asReport(ctx, req.query.format, `outcomes-${district.id}-${req.params.schoolYear}`, {
      districtId: district.id,
      schoolYear: req.params.schoolYear,
      submissionId: pointer.submissionId,
      submittedAt: pointer.submittedAt,
      pathwayIds: pointer.pathwayIds,
      suppressed: !isStaff(ctx),
      district: view ? summaryOf(viewFor(ctx, view)) : null,
    });
  }),

  implement(r.getPathwayOutcomes, async (req) => {
    const [pathway, ctx] = await withAccess(req.principal, loadPathway(req.params.pathwayId));
    authorize(ctx, 'outcome.read', pathwayTarget(pathway), 'pathway');
    const views = await outcomes.listEntityViews('pathway', pathway.id);
    const [latest] = await forReader(ctx, [views[views.length - 1]]);
    return asReport(ctx, req.query.format, `outcomes-${pathway.id}`, {
      pathwayId: pathway.id,
      years: views.map((v) => v.schoolYear),
      suppressed: !isStaff(ctx),
      latest: latest ? { schoolYear: latest.schoolYear, ...summaryOf(viewFor(ctx, latest)) } : null,
    });
  }),

  implement(r.getPathwayComparison, async (req) => {
    const [pathway, ctx] = await withAccess(req.principal, loadPathway(req.params.pathwayId));
    authorize(ctx, 'outcome.read', pathwayTarget(pathway), 'pathway');
    const [pv, dv] = await forReader(
      ctx,
      await Promise.all([
        outcomes.getEntityView('pathway', pathway.id, req.params.schoolYear),
        outcomes.getEntityView('district', pathway.districtId, req.params.schoolYear),
      ]),
    );
    if (!pv) throw problems.notFound('outcome report for this pathway and school year');
    if (!dv) throw problems.notFound("district-wide outcome report for this school year (the district has not submitted one)");
    const config = resolveEquityConfig(
      { gapPp: req.query.gapPp, underRepresentationRatio: req.query.ratio, compareAgainst: req.query.against || undefined },
      outcomeSettings.suppressionThreshold,
    );
    const report = evaluateEquity(viewFor(ctx, pv), viewFor(ctx, dv), config);
    return asReport(ctx, req.query.format, `comparison-${pathway.id}-${req.params.schoolYear}`, {
      pathwayId: pathway.id,
      districtId: pathway.districtId,
      schoolYear: req.params.schoolYear,
      suppressed: !isStaff(ctx),
      config,
      ...report,
    });
  }),

  implement(r.getPathwayTrends, async (req) => {
    const [pathway, ctx] = await withAccess(req.principal, loadPathway(req.params.pathwayId));
    authorize(ctx, 'outcome.read', pathwayTarget(pathway), 'pathway');
    const views = (await forReader(ctx, await outcomes.listEntityViews('pathway', pathway.id))).filter((v) => v !== undefined);
    const metric = (req.query.metric ?? 'graduated_on_time') as NumeratorMetric;
    const group = (req.query.group ?? 'all') as StudentGroup;
    const countMetric = (req.query.countMetric ?? 'enrolled') as Metric;
    const points = views.map((v) => ({ schoolYear: v.schoolYear, counts: viewFor(ctx, v) }));
    return asReport(ctx, req.query.format, `trends-${pathway.id}`, {
      pathwayId: pathway.id,
      metric,
      group,
      countMetric,
      suppressed: !isStaff(ctx),
      rates: rateTrend(points.map((p) => ({ schoolYear: p.schoolYear, rates: ratesOf(p.counts) })), metric, group),
      counts: countTrend(points, countMetric, group),
      metrics: NUMERATOR_METRICS,
    });
  }),

  implement(r.declareOutcomeUpload, async (req) => {
    const [district, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'outcome.submit', { kind: 'district', districtId: district.id }, 'district');
    const max = outcomeSettings.csvMaxBytes;
    if (req.body.size > max) {
      throw problems.validation([{ in: 'body', field: 'size', message: `the file must be at most ${max} bytes`, code: 'too_large' }]);
    }
    const at = nowIso();
    const uploadId = newId('outcome', Date.parse(at));
    const policy = outcomeUploadPolicy(district.id, uploadId, req.body.size, max);
    const upload: uploads.OutcomeUpload = {
      id: uploadId,
      districtId: district.id,
      objectKey: policy.Key,
      size: req.body.size,
      status: 'declared',
      declaredAt: at,
      declaredBy: actorOf(req.principal),
      expiresAt: new Date(nowMs() + policy.Expires * 1000).toISOString(),
      updatedAt: at,
    };
    await uploads.declareUpload(upload);
    const form = await presignPost(policy);
    return {
      status: 201,
      body: { upload, form },
      headers: { location: `/districts/${district.id}/outcomes/uploads/${uploadId}` },
    };
  }),

  implement(r.getOutcomeUpload, async (req) => {
    const [district, ctx] = await withAccess(req.principal, loadDistrict(req.params.districtId));
    authorize(ctx, 'outcome.submit', { kind: 'district', districtId: district.id }, 'district');
    const upload = await uploads.currentUpload(req.params.uploadId, nowIso());
    if (!upload || upload.districtId !== district.id) throw problems.notFound('upload');
    const errors = await uploads.listUploadErrors(upload.id, req.query.limit, req.query.cursor);
    return { body: { upload, errors } };
  }),

  implement(r.createPartner, async (req) => {
    const [pathway, ctx] = await withAccess(req.principal, loadPathway(req.params.pathwayId));
    authorize(ctx, 'partner.manage', pathwayTarget(pathway), 'pathway');
    const idem = idempotencyContext(req.principal.sub, req.headers, {
      routeKey: routeKey(r.createPartner),
      path: req.event.rawPath,
      body: req.body,
    });
    return idempotent(idem, async (record) => {
      const at = nowIso();
      const partner: partners.Partner = {
        id: newId('partner', Date.parse(at)),
        pathwayId: pathway.id,
        districtId: pathway.districtId,
        organization: req.body.organization,
        sector: req.body.sector,
        engagement: req.body.engagement,
        studentsServed: req.body.studentsServed,
        ...(req.body.schoolYear ? { schoolYear: req.body.schoolYear } : {}),
        createdAt: at,
        createdBy: actorOf(req.principal),
      };
      const result = { status: 201, body: partner, headers: { location: `/pathways/${pathway.id}/partners/${partner.id}` } };
      await partners.createPartner(partner, record(result));
      return result;
    });
  }),

  implement(r.listPartners, async (req) => {
    const [pathway, ctx] = await withAccess(req.principal, loadPathway(req.params.pathwayId));
    authorize(ctx, 'partner.read', pathwayTarget(pathway), 'pathway');
    return asReport(ctx, req.query.format, `partners-${pathway.id}`, await partners.listPathwayPartners(pathway.id, req.query.limit, req.query.cursor));
  }),
]);
