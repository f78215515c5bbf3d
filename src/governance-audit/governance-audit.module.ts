import { Global, Module } from '@nestjs/common';
import { PeopleModule } from '../auth/people.module';
import { GovernanceAuditRepository } from './governance-audit.repository';
import { GovernanceAuditResolver } from './governance-audit.resolver';
import { GovernanceAuditService } from './governance-audit.service';
import { MutationAuditInterceptor } from './mutation-audit.interceptor';

@Global()
@Module({
  imports: [PeopleModule],
  providers: [GovernanceAuditRepository, GovernanceAuditService, GovernanceAuditResolver, MutationAuditInterceptor],
  exports: [GovernanceAuditService, MutationAuditInterceptor],
})
export class GovernanceAuditModule {}
