import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { AppError } from '../../common/app-error';
import { PredictionsService } from '../query/predictions.service';

type HeaderMap = Record<string, string | string[] | undefined>;

function header(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Ground truth for a logged prediction. Accepts Charter's shape `{requestId, model?, truth?, reward?}`
 * and Seldon's Feedback message `{request?, response, truth?, reward?}`, whose request id is
 * `response.meta.puid` (or a `Seldon-Puid` / `Ce-Requestid` header).
 */
@Controller('api/v1/feedback')
export class FeedbackController {
  constructor(private readonly predictions: PredictionsService) {}

  @Post()
  @HttpCode(201)
  @Requires('predictions.feedback', { allowApiKeys: true })
  async post(@Body() body: unknown, @Headers() headers: HeaderMap, @CurrentPrincipal() principal: Principal) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw AppError.badInput('/', 'feedback must be a JSON object');
    const b = body as Record<string, unknown>;
    const meta = (b['response'] as { meta?: { puid?: unknown } } | undefined)?.meta;
    const requestId = [b['requestId'], header(headers, 'seldon-puid'), header(headers, 'ce-requestid'), meta?.puid].find(
      (v) => typeof v === 'string' && v !== '',
    );
    const model = [b['model'], header(headers, 'ce-inferenceservicename')].find((v) => typeof v === 'string' && v !== '');
    if (b['reward'] !== undefined && typeof b['reward'] !== 'number') throw AppError.badInput('/reward', 'reward must be a number');
    const saved = await this.predictions.addFeedback(principal, {
      requestId: (requestId as string | undefined) ?? '',
      model: (model as string | undefined) ?? null,
      truth: b['truth'],
      reward: b['reward'] ?? null,
    });
    return { id: saved.id, model: saved.model_name, requestId: saved.correlation_id };
  }
}
