import { Global, Module } from '@nestjs/common';
import { GovernanceAuditRepository } from './governance-audit.repository';
import { GovernanceAuditResolver } from './governance-audit.resolver';
import { GovernanceAuditService } from './governance-audit.service';
import { MutationAuditInterceptor } from './mutation-audit.interceptor';

@Global()
@Module({
  providers: [GovernanceAuditRepository, GovernanceAuditService, GovernanceAuditResolver, MutationAuditInterceptor],
  exports: [GovernanceAuditService, MutationAuditInterceptor],
})
export class GovernanceAuditModule {}
