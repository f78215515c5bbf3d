import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { PeopleLoader } from '../auth/people.loader';
import { PersonType } from '../auth/person.type';
import { CardReviewType, PromotionExceptionType } from './dto/model-card.type';
import { StageChangeType } from './dto/model.type';

// The person fields sit beside the id fields they resolve (kept for existing clients); null when the id is an API key's.

@Resolver(() => CardReviewType)
export class CardReviewPeopleResolver {
  constructor(private readonly people: PeopleLoader) {}

  @ResolveField(() => PersonType, { nullable: true, description: 'Who acted (actor); null for an API key' })
  actorPerson(@Parent() review: CardReviewType, @Context('req') request: FastifyRequest): Promise<PersonType | null> {
    return this.people.load(request, review.actor);
  }
}

@Resolver(() => StageChangeType)
export class StageChangePeopleResolver {
  constructor(private readonly people: PeopleLoader) {}

  @ResolveField(() => PersonType, { nullable: true, description: 'Who changed the stage (changedBy); null for an API key' })
  changedByPerson(@Parent() change: StageChangeType, @Context('req') request: FastifyRequest): Promise<PersonType | null> {
    return this.people.load(request, change.changedBy);
  }
}

@Resolver(() => PromotionExceptionType)
export class PromotionExceptionPeopleResolver {
  constructor(private readonly people: PeopleLoader) {}

  @ResolveField(() => PersonType, { nullable: true, description: 'The risk officer who granted it (grantedBy)' })
  grantedByPerson(@Parent() exception: PromotionExceptionType, @Context('req') request: FastifyRequest): Promise<PersonType | null> {
    return this.people.load(request, exception.grantedBy);
  }
}
