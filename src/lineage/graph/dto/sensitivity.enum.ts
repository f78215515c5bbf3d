import { registerEnumType } from '@nestjs/graphql';

/**
 * A dataset's sensitivity (lineage_datasets.sensitivity): set by PII scans, read by the access
 * rules. Lives with the dataset it describes; the PII module imports it.
 */
export enum Sensitivity {
  PUBLIC = 'public',
  INTERNAL = 'internal',
  CONFIDENTIAL = 'confidential',
  RESTRICTED = 'restricted',
}
registerEnumType(Sensitivity, { name: 'Sensitivity', description: 'Derived from the personal types found, by the rules in policies/pii-thresholds.yaml' });
