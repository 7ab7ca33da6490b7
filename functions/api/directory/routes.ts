/**
 * The public directory: certified pathways (silver and gold, still valid), the list the
 * press announces from. No token; served from the sparse directory index.
 */
import * as z from 'zod/mini';
import { route } from '../../lib/route.ts';
import { idSchema, pageOf, pageQuery } from '../../lib/schemas.ts';
import { sectors, pathwayModels } from '../../store/entities.ts';
import { stateCode } from '../registry/routes.ts';

const FN = 'directory' as const;
const TAGS = ['Directory'];

export const directoryEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  schoolId: z.string(),
  schoolName: z.string(),
  districtId: z.string(),
  districtName: z.string(),
  state: z.string(),
  sector: z.enum(sectors),
  model: z.enum(pathwayModels),
  level: z.enum(['silver', 'gold']),
  validUntil: z.string(),
});

export const listDirectory = route({
  id: 'listDirectory',
  method: 'GET',
  path: '/directory',
  fn: FN,
  auth: 'public',
  summary: 'Certified pathways by name (public)',
  tags: TAGS,
  query: z.strictObject({
    ...pageQuery,
    sector: z.optional(z.enum(sectors)),
    level: z.optional(z.enum(['silver', 'gold'])),
    state: z.optional(stateCode()),
    districtId: z.optional(idSchema('district')),
  }),
  response: pageOf(directoryEntrySchema),
});

export const getDirectoryEntry = route({
  id: 'getDirectoryEntry',
  method: 'GET',
  path: '/directory/{pathwayId}',
  fn: FN,
  auth: 'public',
  summary: "A certified pathway's public profile (404 unless currently certified)",
  tags: TAGS,
  params: z.strictObject({ pathwayId: idSchema('pathway') }),
  response: directoryEntrySchema,
});

export const directoryRoutes = [listDirectory, getDirectoryEntry];
