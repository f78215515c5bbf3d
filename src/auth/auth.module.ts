import { Module } from '@nestjs/common';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyResolver } from './api-key.resolver';
import { ApiKeyService } from './api-key.service';
import { TOKEN_VERIFIER } from './auth.tokens';
import { AuthenticationService } from './authentication.service';
import { MeController } from './me.controller';
import { MeResolver } from './me.resolver';
import { PeopleModule } from './people.module';
import { TokenVerifier } from './token-verifier';

@Module({
  imports: [PeopleModule],
  controllers: [MeController],
  providers: [
    {
      provide: TOKEN_VERIFIER,
      inject: [CHARTER_CONFIG],
      useFactory: async (config: CharterConfig) => {
        try {
          return await TokenVerifier.discover({ ...config.oidc, issuerUrl: config.oidc.issuerUrl! });
        } catch (error) {
          throw new Error(`OIDC_ISSUER_URL=${config.oidc.issuerUrl}: OpenID discovery failed: ${(error as Error).message}`);
        }
      },
    },
    ApiKeyRepository,
    ApiKeyService,
    AuthenticationService,
    MeResolver,
    ApiKeyResolver,
  ],
  exports: [AuthenticationService],
})
export class AuthModule {}
