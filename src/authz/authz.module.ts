import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AccessGuard } from './access.guard';
import { AuthorizationService } from './authorization.service';
import { PolicyRepository } from './policy.repository';
import { PolicyResolver } from './policy.resolver';
import { PolicyService } from './policy.service';

@Module({
  imports: [AuthModule],
  providers: [PolicyRepository, AuthorizationService, PolicyService, PolicyResolver, AccessGuard],
  exports: [AuthorizationService, AccessGuard],
})
export class AuthzModule {}
