import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { PeopleLoader } from '../../auth/people.loader';
import { PersonType } from '../../auth/person.type';
import { PiiVerdictType } from './dto/pii-review.type';

@Resolver(() => PiiVerdictType)
export class PiiVerdictPeopleResolver {
  constructor(private readonly people: PeopleLoader) {}

  @ResolveField(() => PersonType, { nullable: true, description: 'Who decided (decidedBy); null for an API key' })
  decidedByPerson(@Parent() verdict: PiiVerdictType, @Context('req') request: FastifyRequest): Promise<PersonType | null> {
    return this.people.load(request, verdict.decidedBy);
  }
}
