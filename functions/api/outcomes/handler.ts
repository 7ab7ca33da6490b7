/**
 * Outcome routes: parse, call the use case (functions/use-cases/outcomes), render. The use
 * cases load each target beside the caller's access, authorize, and return figures only
 * as the caller may see them (use-cases/outcomes/reader-views.ts).
 */
import { httpHandler, implement } from '#lib/http.ts';
import { creationContext } from '#lib/idempotency-key.ts';
import { etagHeader } from '#lib/preconditions.ts';
import { declareOutcomeUpload, getOutcomeUpload } from '#use-cases/outcomes/outcome-uploads.ts';
import { createPartner, listPartners } from '#use-cases/outcomes/partners.ts';
import { getDistrictOutcomes, getPathwayComparison, getPathwayOutcomes, getPathwayTrends } from '#use-cases/outcomes/read-outcomes.ts';
import { submitOutcomes } from '#use-cases/outcomes/submit-outcomes.ts';
import { renderReport } from './report-export.ts';
import * as r from './routes.ts';

export const handler = httpHandler([
  implement(r.submitOutcomes, async (req) => {
    const { district, pathways } = req.body;
    const result = await submitOutcomes(req.principal, {
      ...req.params,
      ...(district ? { district: district } : {}),
      pathways: pathways,
    });
    return {
      status: result.unchanged ? 200 : result.replaced ? 200 : 201,
      body: { ...result.pointer, replaced: result.replaced, unchanged: result.unchanged },
      headers: etagHeader(result.pointer.version),
    };
  }),

  implement(r.getDistrictOutcomes, async (req) => {
    const { districtId, schoolYear } = req.params;
    const report = await getDistrictOutcomes(req.principal, { districtId, schoolYear, format: req.query.format });
    return renderReport(req.query.format, `outcomes-${districtId}-${schoolYear}`, report);
  }),

  implement(r.getPathwayOutcomes, async (req) => {
    const report = await getPathwayOutcomes(req.principal, { pathwayId: req.params.pathwayId, format: req.query.format });
    return renderReport(req.query.format, `outcomes-${req.params.pathwayId}`, report);
  }),

  implement(r.getPathwayComparison, async (req) => {
    const { pathwayId, schoolYear } = req.params;
    const report = await getPathwayComparison(req.principal, { pathwayId, schoolYear, ...req.query });
    return renderReport(req.query.format, `comparison-${pathwayId}-${schoolYear}`, report);
  }),

  implement(r.getPathwayTrends, async (req) => {
    const report = await getPathwayTrends(req.principal, { pathwayId: req.params.pathwayId, ...req.query });
    return renderReport(req.query.format, `trends-${req.params.pathwayId}`, report);
  }),

  implement(r.declareOutcomeUpload, async (req) => {
    const { upload, form } = await declareOutcomeUpload(req.principal, { districtId: req.params.districtId, size: req.body.size });
    return {
      status: 201,
      body: { upload, form },
      headers: { location: `/districts/${upload.districtId}/outcomes/uploads/${upload.id}` },
    };
  }),

  implement(r.getOutcomeUpload, async (req) => ({ body: await getOutcomeUpload(req.principal, { ...req.params, ...req.query }) })),

  implement(r.createPartner, async (req) =>
    createPartner(
      req.principal,
      { pathwayId: req.params.pathwayId, partner: req.body },
      () => creationContext(req, r.createPartner),
      (partner) => ({
        status: 201,
        body: partner,
        headers: { location: `/pathways/${partner.pathwayId}/partners/${partner.id}` },
      }),
    ),
  ),

  implement(r.listPartners, async (req) => {
    const page = await listPartners(req.principal, { pathwayId: req.params.pathwayId, ...req.query });
    return renderReport(req.query.format, `partners-${req.params.pathwayId}`, page);
  }),
]);
