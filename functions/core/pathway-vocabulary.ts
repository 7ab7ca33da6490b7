/**
 * The words a pathway is described in: its industry sector, its model and whether it runs.
 * Domain vocabulary shared by the stored shapes (store/entities.ts) and the request and
 * answer schemas of the API, so the edge validates against the list without the store.
 */

/** Industry sectors (California's 15 industry sectors, the common Linked Learning list). */
export const sectors = [
  'agriculture_natural_resources',
  'arts_media_entertainment',
  'building_construction_trades',
  'business_finance',
  'education_child_development_family_services',
  'energy_environment_utilities',
  'engineering_architecture',
  'fashion_interior_design',
  'health_science_medical_technology',
  'hospitality_tourism_recreation',
  'information_communication_technologies',
  'manufacturing_product_development',
  'marketing_sales_services',
  'public_services',
  'transportation',
] as const;
export type Sector = (typeof sectors)[number];

export const pathwayModels = ['wall_to_wall_academy', 'school_within_a_school', 'comprehensive_high_school_option'] as const;
export type PathwayModel = (typeof pathwayModels)[number];

export const pathwayStatuses = ['active', 'inactive'] as const;
export type PathwayStatus = (typeof pathwayStatuses)[number];
