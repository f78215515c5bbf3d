import type { Provider } from '@nestjs/common';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { loadModelPolicies } from './model-policies';

export const MODEL_POLICIES = Symbol('MODEL_POLICIES');

/** policies/model-review.yaml and policies/promotion-gates.yaml, validated when the module starts. */
export const modelPoliciesProvider: Provider = {
  provide: MODEL_POLICIES,
  inject: [CHARTER_CONFIG],
  useFactory: (config: CharterConfig) => loadModelPolicies(config.policiesDir),
};
