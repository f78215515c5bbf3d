import { Query, Resolver } from '@nestjs/graphql';
import { Requires } from '../authz/requires.decorator';
import { toMe } from './auth.mapper';
import { CurrentPrincipal } from './current-principal.decorator';
import { MeType } from './dto/me.type';
import type { Principal } from './principal';

@Resolver(() => MeType)
export class MeResolver {
  @Query(() => MeType, { description: 'The caller: who Charter thinks you are, and your roles' })
  @Requires('self.read')
  me(@CurrentPrincipal() principal: Principal): MeType {
    return toMe(principal);
  }
}
