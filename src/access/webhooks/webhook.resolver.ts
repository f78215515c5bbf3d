import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { AppError } from '../../common/app-error';
import { decodeCursor, toConnection, validatePageSize } from '../../common/graphql/pagination';
import { WebhookDeliveriesArgs } from '../dto/access.args';
import { WebhookDeliveryConnection, WebhookDeliveryType, type WebhookDeliveryStatusEnum } from '../dto/access.type';
import { WebhookDeliveryService } from './webhook-delivery.service';
import type { OutboxRow } from './webhook-outbox.repository';

const toDelivery = (r: OutboxRow): WebhookDeliveryType => ({
  id: r.id,
  event: r.event,
  grantId: r.grant_id,
  targetUrl: r.target_url,
  status: r.status as WebhookDeliveryStatusEnum,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

@Resolver()
export class WebhookResolver {
  constructor(private readonly webhooks: WebhookDeliveryService) {}

  @Query(() => WebhookDeliveryConnection, { description: 'Grant webhooks and their delivery state, newest first; DEAD ones need attention' })
  @Requires('access.read')
  async accessWebhookDeliveries(@Args() args: WebhookDeliveriesArgs): Promise<WebhookDeliveryConnection> {
    const first = validatePageSize(args.first);
    const after = args.after ? decodeCursor(args.after) : null;
    if (after !== null && !/^\d+$/.test(after)) throw AppError.badInput('after', 'after is not a cursor returned by this API');
    const rows = await this.webhooks.list(args.status ?? undefined, after, first + 1);
    return toConnection(rows, first, (r) => r.id, toDelivery);
  }

  @Mutation(() => WebhookDeliveryType, { description: 'Send a dead-lettered webhook again, from attempt one' })
  @Requires('access.manage')
  async retryAccessWebhook(@CurrentPrincipal() principal: Principal, @Args('id') id: string): Promise<WebhookDeliveryType> {
    if (!/^\d+$/.test(id)) throw AppError.badInput('id', 'id is a webhook delivery id');
    return toDelivery(await this.webhooks.retry(principal, id));
  }
}
