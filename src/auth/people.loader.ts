import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import type { PersonType } from './person.type';
import { PrincipalRepository } from './principal.repository';

// Actor columns are text: they may hold an API key's id or a `rule:`/`system:` label, which name no person.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The people behind principal ids, one query per request however many ids a query shows. */
@Injectable()
export class PeopleLoader {
  private readonly byRequest = new WeakMap<FastifyRequest, DataLoader<string, PersonType | null>>();

  constructor(private readonly principals: PrincipalRepository) {}

  /** Null when the id is not a principal's (an API key, a rule). */
  load(request: FastifyRequest, id: string): Promise<PersonType | null> {
    return this.loader(request).load(id);
  }

  private loader(request: FastifyRequest): DataLoader<string, PersonType | null> {
    let loader = this.byRequest.get(request);
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const people = new Map((await this.principals.findPeople(ids.filter((id) => UUID.test(id)))).map((p) => [p.id, p]));
        return ids.map((id) => people.get(id.toLowerCase()) ?? null);
      });
      this.byRequest.set(request, loader);
    }
    return loader;
  }
}
