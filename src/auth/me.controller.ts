import { Controller, Get } from '@nestjs/common';
import { Requires } from '../authz/requires.decorator';
import { toMe } from './auth.mapper';
import { CurrentPrincipal } from './current-principal.decorator';
import type { MeType } from './dto/me.type';
import type { Principal } from './principal';

@Controller('api/v1')
export class MeController {
  /** Lets a machine check which identity and roles its API key or token carries. */
  @Get('me')
  @Requires('self.read', { allowApiKeys: true })
  me(@CurrentPrincipal() principal: Principal): MeType {
    return toMe(principal);
  }
}
