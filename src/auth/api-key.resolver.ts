import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { requireUuid } from '../common/app-error';
import { PageArgs, decodeCursor, toConnection, validatePageSize } from '../common/graphql/pagination';
import { Requires } from '../authz/requires.decorator';
import { toApiKey } from './auth.mapper';
import { ApiKeyService } from './api-key.service';
import { CurrentPrincipal } from './current-principal.decorator';
import { ApiKeyConnection, ApiKeyType, CreateApiKeyInput, CreatedApiKeyType } from './dto/api-key.type';
import type { Principal } from './principal';

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  constructor(private readonly service: ApiKeyService) {}

  @Query(() => ApiKeyConnection, { description: 'Service API keys, newest first' })
  @Requires('apiKey.read')
  async apiKeys(@Args() page: PageArgs): Promise<ApiKeyConnection> {
    const first = validatePageSize(page.first);
    const rows = await this.service.list(page.after ? requireUuid('after', decodeCursor(page.after)) : null, first + 1);
    return toConnection(rows, first, (r) => r.id, toApiKey);
  }

  @Mutation(() => CreatedApiKeyType, { description: 'Creates a service API key; the secret is returned once' })
  @Requires('apiKey.manage')
  async createApiKey(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateApiKeyInput): Promise<CreatedApiKeyType> {
    const { key, secret } = await this.service.create(principal, input);
    return { apiKey: toApiKey(key), secret };
  }

  @Mutation(() => ApiKeyType, { description: 'Revokes a key at once; revoking twice is harmless' })
  @Requires('apiKey.manage')
  async revokeApiKey(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<ApiKeyType> {
    return toApiKey(await this.service.revoke(principal, requireUuid('id', id)));
  }
}
